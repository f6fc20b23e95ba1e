// The error classes of sequenza-wasm, re-exported by the package: `SequenzaError` and one
// subclass per area of the core's errors, so that `err instanceof CsvImportError` works. Each
// instance carries the fields of the core's `Error::data()` in camelCase: `area`, `code` and the
// location fields that apply (`path`, `line`, `column`, `row`, `csvColumn`, `columnName`,
// `byteOffset` …). Its `message` is the core's message with the location.
export class SequenzaError extends Error {
  constructor(message, fields) {
    super(message);
    Object.defineProperty(this, 'name', { value: new.target.name, writable: true, configurable: true });
    const { message: _bare, ...rest } = fields ?? {};
    Object.assign(this, rest);
  }
}
export class FormatError extends SequenzaError {}
export class ConditionSyntaxError extends SequenzaError {}
export class ConditionError extends SequenzaError {}
export class SegmentError extends SequenzaError {}
export class TimeError extends SequenzaError {}
export class ListError extends SequenzaError {}
export class CsvImportError extends SequenzaError {}
export class JsonLogicError extends SequenzaError {}
export class MergeSyntaxError extends SequenzaError {}
export class FlowError extends SequenzaError {}
export class EngineError extends SequenzaError {}
export class StoreError extends SequenzaError {}
