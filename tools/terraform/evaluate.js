// A deliberately small evaluator for the policy checks: it instantiates
// every root folder (one not used as a module by another: envs/dev,
// envs/prod, bootstrap) with its terraform.tfvars and the variables'
// defaults, walks the module calls, and resolves what can be resolved
// without a provider: whole-value references to var.*, local.* and
// each.key / each.value[.field], for_each over a literal map, count = 0 from
// a boolean variable. Anything
// else stays the expression text. That is enough to see, say, that prod
// passes deletion_protection = true down to aws_db_instance, and it never
// guesses: a check that needs a value it cannot resolve must say so.
'use strict';

const path = require('path');

const WHOLE = /^\$\{([^{}]*)\}$/;

function isExpression(v) {
  return typeof v === 'string' && v.includes('${');
}

function makeContext(module, vars) {
  const ctx = { module, vars, localCache: {} };
  ctx.local = (name) => {
    if (!(name in ctx.localCache)) ctx.localCache[name] = resolve(module.locals[name], ctx, null);
    return ctx.localCache[name];
  };
  return ctx;
}

function resolveRef(expr, ctx, each) {
  let m;
  if ((m = /^var\.([A-Za-z0-9_]+)$/.exec(expr)) && m[1] in ctx.vars) return { ok: true, value: ctx.vars[m[1]] };
  if ((m = /^local\.([A-Za-z0-9_]+)$/.exec(expr)) && m[1] in ctx.module.locals) return { ok: true, value: ctx.local(m[1]) };
  if (each && expr === 'each.key') return { ok: true, value: each.key };
  if (each && expr === 'each.value') return { ok: true, value: each.value };
  if (each && (m = /^each\.value\.([A-Za-z0-9_]+)$/.exec(expr)) && each.value && typeof each.value === 'object') {
    return { ok: true, value: each.value[m[1]] };
  }
  return { ok: false };
}

// "a-${var.x}-b" with every part resolvable to a scalar becomes the
// resulting string; otherwise the text is kept exactly as it was.
function interpolate(text, ctx, each) {
  if (!text.includes('${')) return text;
  let complete = true;
  const out = text.replace(/\$\{([^{}]*)\}/g, (whole, expr) => {
    const r = resolveRef(expr.trim(), ctx, each);
    if (r.ok && ['string', 'number', 'boolean'].includes(typeof r.value) && !String(r.value).includes('${')) return String(r.value);
    complete = false;
    return whole;
  });
  return complete ? out : text;
}

function resolve(value, ctx, each) {
  if (typeof value === 'string') {
    const m = WHOLE.exec(value.trim());
    if (m) {
      const r = resolveRef(m[1].trim(), ctx, each);
      if (r.ok) return r.value;
    }
    return interpolate(value, ctx, each);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx, each));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolve(v, ctx, each);
    return out;
  }
  return value;
}

// The variables an unresolved expression mentions, resolved: lets a check
// look at the literal values that flow into a conditional expression.
function referencedValues(instance, expression) {
  const values = [];
  for (const m of String(expression).matchAll(/\bvar\.([A-Za-z0-9_]+)/g)) {
    if (m[1] in instance.vars) values.push(instance.vars[m[1]]);
  }
  return values;
}

// for_each over a literal map, or over toset() of a resolvable list (each
// element is then both key and value); anything else is one representative
// instance with each.* unresolved.
function forEachValue(expr, ctx) {
  if (expr === undefined) return undefined;
  const m = typeof expr === 'string' && /^\$\{toset\((.+)\)\}$/.exec(expr.trim());
  const value = resolve(m ? `\${${m[1]}}` : expr, ctx, null);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return Object.fromEntries(value.map((v) => [v, v]));
  return value;
}

// count = 0, literally or as `var.flag ? N : M` with a resolvable flag:
// such a resource or module call does not exist in this root.
function countIsZero(expr, ctx) {
  if (expr === undefined) return false;
  const v = resolve(expr, ctx, null);
  if (typeof v === 'number') return v === 0;
  const m = typeof v === 'string' && /^\$\{\s*(!?)var\.([A-Za-z0-9_]+)\s*\?\s*(\d+)\s*:\s*(\d+)\s*\}$/.exec(v.trim());
  if (!m || typeof ctx.vars[m[2]] !== 'boolean') return false;
  const flag = m[1] ? !ctx.vars[m[2]] : ctx.vars[m[2]];
  return Number(flag ? m[3] : m[4]) === 0;
}

function instantiateModule(tree, module, vars, prefix, root, out) {
  const ctx = makeContext(module, vars);
  for (const [kind, items] of [['resource', module.resources], ['data', module.data]]) {
    for (const item of items) {
      if (countIsZero(item.body.count, ctx)) continue;
      const forEach = forEachValue(item.body.for_each, ctx);
      const entries = forEach && typeof forEach === 'object' && !Array.isArray(forEach)
        ? Object.entries(forEach).map(([key, value]) => ({ key, value }))
        : [null];
      for (const each of entries) {
        const body = resolve(item.body, ctx, each);
        const address = `${prefix}${kind === 'data' ? 'data.' : ''}${item.type}.${item.name}${each ? `["${each.key}"]` : ''}`;
        out.push({ root, kind, type: item.type, name: item.name, file: item.file, address, prefix, body, vars });
      }
    }
  }
  for (const [name, call] of Object.entries(module.modules)) {
    const child = tree.modules[path.normalize(path.join(module.dir, call.source || ''))];
    if (!child || countIsZero(call.count, ctx)) continue;
    const childVars = {};
    for (const [v, decl] of Object.entries(child.variables)) {
      if (v in call) childVars[v] = resolve(call[v], ctx, null);
      else if ('default' in decl) childVars[v] = decl.default;
    }
    instantiateModule(tree, child, childVars, `${prefix}module.${name}.`, root, out);
  }
}

function roots(tree) {
  const used = new Set();
  for (const module of Object.values(tree.modules)) {
    for (const call of Object.values(module.modules)) used.add(path.normalize(path.join(module.dir, call.source || '')));
  }
  return Object.keys(tree.modules).filter((d) => !used.has(d)).sort();
}

// Every resource and data source instance of every root.
function instantiate(tree) {
  const out = [];
  for (const root of roots(tree)) {
    const module = tree.modules[root];
    const vars = {};
    for (const [v, decl] of Object.entries(module.variables)) {
      if (v in module.tfvars) vars[v] = module.tfvars[v];
      else if ('default' in decl) vars[v] = decl.default;
    }
    instantiateModule(tree, module, vars, '', root, out);
  }
  return out;
}

module.exports = { instantiate, roots, referencedValues, isExpression };
