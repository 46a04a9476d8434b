/**
 * What the browser and the CLI share with the API without bundling the
 * server: the import formats and how a file is decoded and cut into
 * requests. Nothing here imports Node modules or the AWS SDK.
 */

export {
  DEFAULT_EXPORT_KDF,
  type KdfSettings,
  openProtectedExport,
  ProtectedExportError,
  protectionOf,
  sealProtectedExport,
} from './domain/import/bitwarden-protected';
export { IMPORT_FORMAT_LABELS, IMPORT_FORMATS, type ImportFormat } from './domain/import/formats';
export {
  decodeExport,
  type ExportEncoding,
  UPLOAD_BATCH_BYTES,
  UPLOAD_BATCH_ROWS,
  type UploadBatch,
  UploadError,
  uploadBatches,
} from './domain/import/upload';
