// The error classes of sequenza-wasm, re-exported by the package: `SequenzaError` and one
// subclass per area of the core's errors, so that `err instanceof CsvImportError` works. Each
// instance carries the core's `code` and location fields (camelCase), set by the binding.
export class SequenzaError extends Error {
  constructor(message, fields) {
    super(message);
    Object.defineProperty(this, 'name', { value: new.target.name, writable: true, configurable: true });
    Object.assign(this, fields);
  }
}
export class FormatError extends SequenzaError {}
export class ConditionError extends SequenzaError {}
export class TimeError extends SequenzaError {}
export class ListError extends SequenzaError {}
export class CsvImportError extends SequenzaError {}
export class JsonLogicError extends SequenzaError {}
export class EngineError extends SequenzaError {}
