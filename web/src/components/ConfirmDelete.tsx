/**
 * A delete button that asks first: the trigger opens an inline question with
 * "Delete" and "Cancel". The caller owns the confirming state and the deletion.
 */
export function ConfirmDelete({
  confirming,
  onConfirmingChange,
  question,
  onDelete,
  busy,
  label,
  triggerText,
  triggerClassName,
}: {
  confirming: boolean;
  onConfirmingChange: (confirming: boolean) => void;
  /** Shown beside the buttons while confirming. */
  question: string;
  onDelete: () => void;
  busy: boolean;
  /** Accessible name of the trigger, e.g. "Delete Acme". */
  label: string;
  triggerText: string;
  triggerClassName: string;
}) {
  return confirming ? (
    <>
      <span className="muted small">{question}</span>
      <button type="button" className="danger" onClick={onDelete} disabled={busy}>
        Delete
      </button>
      <button type="button" onClick={() => onConfirmingChange(false)}>
        Cancel
      </button>
    </>
  ) : (
    <button
      type="button"
      className={triggerClassName}
      onClick={() => onConfirmingChange(true)}
      aria-label={label}
    >
      {triggerText}
    </button>
  );
}
