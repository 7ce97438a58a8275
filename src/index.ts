/** x3bridge's public library: the Sage X3 client, its types and errors, and the where builder. */
export * from './x3/index.js';
