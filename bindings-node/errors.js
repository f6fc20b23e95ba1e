'use strict';
// The package's error classes: SequenzaError and one subclass per area of the core's errors.
// The native binding throws instances of these (index.js hands them over), with `code` and the
// location fields of the error (`path`, `line`, `column`, `row`, `columnName`, `byteOffset` …).

class SequenzaError extends Error {}

const classes = { SequenzaError };
for (const name of [
  'FormatError',
  'ConditionSyntaxError',
  'ConditionError',
  'TimeError',
  'ListError',
  'CsvImportError',
  'JsonLogicError',
  'EngineError',
]) {
  classes[name] = { [name]: class extends SequenzaError {} }[name];
}
for (const [name, cls] of Object.entries(classes)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

module.exports = classes;
