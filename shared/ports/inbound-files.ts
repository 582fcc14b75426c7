/** A file that S3 announced in the inbound bucket (its event notification). */
export interface DroppedFile {
  key: string;
  size: number;
  /** The version announced; a file replaced since is read through its own, later notification. */
  etag: string | null;
}

/** The inbound bucket of payroll files: what was dropped, and the result file written beside it. */
export interface InboundFiles {
  /** The file's bytes as announced, or null when it is gone or was replaced since. */
  read(file: DroppedFile): Promise<Uint8Array | null>;
  writeResult(key: string, csv: string): Promise<void>;
}
