'use strict';
// The package's error classes: SequenzaError and one subclass per area of the core's errors
// (sequenza::error::Area). The native binding throws instances of these (index.js hands them
// over), with `code` and the location fields that apply (`path`, `line`, `column`, `row`,
// `csvColumn`, `columnName`, `byteOffset`, `node` …, camelCase names of the core's error data).

class SequenzaError extends Error {}
class FormatError extends SequenzaError {}
class ConditionSyntaxError extends SequenzaError {}
class ConditionError extends SequenzaError {}
/** A segment set that cannot be used; a `ConditionError` too, as it was before segments had an area. */
class SegmentError extends ConditionError {}
class TimeError extends SequenzaError {}
class ListError extends SequenzaError {}
class CsvImportError extends SequenzaError {}
class JsonLogicError extends SequenzaError {}
class MergeSyntaxError extends SequenzaError {}
class FlowError extends SequenzaError {}
class EngineError extends SequenzaError {}
class StoreError extends SequenzaError {}

const classes = {
  SequenzaError, FormatError, ConditionSyntaxError, ConditionError, SegmentError, TimeError, ListError,
  CsvImportError, JsonLogicError, MergeSyntaxError, FlowError, EngineError, StoreError,
};
for (const [name, cls] of Object.entries(classes)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

module.exports = classes;
