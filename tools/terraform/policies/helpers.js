// Small helpers shared by the policy files: finding instances by type,
// reading the first body of a block, and telling a resolved literal from an
// expression the evaluator left alone.
'use strict';

const { isExpression, referencedValues } = require('../evaluate');

const OPEN_IPV4 = '0.0.0.0/0';
const OPEN_IPV6 = '::/0';

function ofType(instances, type) {
  return instances.filter((i) => i.kind === 'resource' && i.type === type);
}

function dataOfType(instances, type) {
  return instances.filter((i) => i.kind === 'data' && i.type === type);
}

function first(block) {
  return Array.isArray(block) && block.length ? block[0] : undefined;
}

function isTrue(v) {
  return v === true || v === 'true';
}

function isFalse(v) {
  return v === false || v === 'false';
}

function where(i) {
  return `${i.root}: ${i.address} (${i.file})`;
}

// Does value (an expression string) refer to resource type.name?
function refersTo(value, type, name) {
  return typeof value === 'string' && new RegExp(`\\b${type}\\.${name}\\b`).test(value);
}

// The same module instance (same root and module path).
function sibling(a, b) {
  return a.root === b.root && a.prefix === b.prefix;
}

// Every literal a value can take: itself if resolved, otherwise the values
// of the variables its expression mentions (flattened).
function possibleValues(instance, value) {
  const out = [];
  const add = (v) => (Array.isArray(v) ? v.forEach(add) : out.push(v));
  if (isExpression(value)) referencedValues(instance, value).forEach(add);
  else add(value);
  return out;
}

module.exports = {
  OPEN_IPV4, OPEN_IPV6, ofType, dataOfType, first, isTrue, isFalse, where, refersTo, sibling, possibleValues, isExpression,
};
