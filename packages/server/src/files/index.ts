export { checkFileName, sanitizeFileName, MAX_FILE_NAME_BYTES } from './file-names.ts';
export { InvalidFileNameError, type FileLimit, type FileSource, type SaveOptions, type SaveResult, type SessionFileStore, type StoredFile } from './port.ts';
