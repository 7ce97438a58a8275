/** x3bridge's public library: the Sage X3 client, its types and errors, and the where builder. */
export * from './x3/index.js';
/** For the platform's webhook endpoint: check `X3bridge-Signature` on an x3bridge delivery. */
export {
  verifyWebhookSignature,
  signWebhookPayload,
  SIGNATURE_HEADER,
  type SignatureCheck,
} from './webhooks/webhook.signature.js';
