// The part of `terraform validate` that needs no provider binary: every
// resource and data source type must exist in hashicorp/aws 6.25.0, every
// argument and nested block (also inside dynamic blocks) must be one the
// provider knows, and required ones must be present. Module calls must pass
// only declared variables and every required one, and so must a root's
// terraform.tfvars; references to variables,
// locals, modules' outputs, data sources and resources must name something
// declared, and an attribute read from a resource or data source must be
// one it has (computed ones included). Types of other providers cannot be checked offline and are
// listed by name (UNCHECKED_TYPES), so that a new one is a decision.
'use strict';

const path = require('path');

const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'depends_on', 'providers']);
// hashicorp/helm publishes no offline schema (see terraform/README.md).
const UNCHECKED_TYPES = new Set(['helm_release']);

// cdktf names attributes in camelCase; snake_case maps to it one way only.
function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function snake(name) {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function suggest(name, candidates) {
  let best = null;
  for (const c of candidates) {
    const dist = distance(name, c);
    if (dist <= 3 && (!best || dist < best.dist)) best = { c, dist };
  }
  return best ? ` (did you mean "${best.c}"?)` : '';
}

// Meta-arguments exist only at the top of a resource: a nested block may
// have its own "provider" (encryption_config does).
function checkBody(schema, structFqn, body, where, errors, top = false) {
  const s = schema.structs[structFqn];
  const present = new Set();
  for (const [key, value] of Object.entries(body)) {
    if (top && META_ARGUMENTS.has(key)) continue;
    if (key === 'dynamic') {
      for (const [blockName, dynamics] of Object.entries(value)) {
        if (!s.blocks[blockName]) {
          errors.push(`${where}: unknown dynamic block "${blockName}"${suggest(blockName, Object.keys(s.blocks))}`);
          continue;
        }
        present.add(blockName);
        for (const d of dynamics) {
          for (const content of d.content || []) {
            checkBody(schema, s.blocks[blockName].struct, content, `${where}.${blockName}`, errors);
          }
        }
      }
      continue;
    }
    if (s.arguments[key]) {
      present.add(key);
      continue;
    }
    if (s.blocks[key]) {
      present.add(key);
      if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) {
        errors.push(`${where}: "${key}" is a block, write it as ${key} { ... }`);
        continue;
      }
      value.forEach((v) => checkBody(schema, s.blocks[key].struct, v, `${where}.${key}`, errors));
      continue;
    }
    const known = [...Object.keys(s.arguments), ...Object.keys(s.blocks)];
    errors.push(`${where}: unknown argument "${key}"${suggest(key, known)}`);
  }
  for (const [name, a] of Object.entries({ ...s.arguments, ...s.blocks })) {
    if (a.required && !present.has(name)) errors.push(`${where}: missing required "${name}"`);
  }
}

function collectStrings(value, out) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collectStrings(v, out);
    }
  }
  return out;
}

function checkReferences(schema, tree, module, errors) {
  const resources = new Set(module.resources.map((r) => `${r.type}.${r.name}`));
  const data = new Set(module.data.map((d) => `${d.type}.${d.name}`));
  const everything = [
    ...module.resources.map((r) => [r.file, r.body]),
    ...module.data.map((d) => [d.file, d.body]),
    ...Object.values(module.outputs).map((o) => [o.file, o.value]),
    ...Object.values(module.modules).map((m) => [m.file, m]),
    ...module.providers.map((p) => [p.file, p.body]),
    ['locals', module.locals],
    ...Object.values(module.variables).map((v) => [v.file, v.validation]),
  ];
  const seen = new Set();
  const report = (msg) => {
    if (!seen.has(msg)) errors.push(msg);
    seen.add(msg);
  };
  for (const [file, value] of everything) {
    for (const s of collectStrings(value, [])) {
      if (!s.includes('${')) continue;
      for (const m of s.matchAll(/\bvar\.([A-Za-z0-9_]+)/g)) {
        if (!module.variables[m[1]]) report(`${file}: reference to undeclared variable "var.${m[1]}"`);
      }
      for (const m of s.matchAll(/\blocal\.([A-Za-z0-9_]+)/g)) {
        if (!(m[1] in module.locals)) report(`${file}: reference to undeclared local "local.${m[1]}"`);
      }
      for (const m of s.matchAll(/\bdata\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
        if (!data.has(`${m[1]}.${m[2]}`)) report(`${file}: reference to undeclared data source "data.${m[1]}.${m[2]}"`);
      }
      for (const m of s.matchAll(/\bmodule\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.([A-Za-z0-9_]+))?/g)) {
        const call = module.modules[m[1]];
        if (!call) {
          report(`${file}: reference to undeclared module "module.${m[1]}"`);
          continue;
        }
        const target = tree.modules[path.normalize(path.join(module.dir, call.source || ''))];
        if (m[2] && target && !target.outputs[m[2]]) {
          report(`${file}: module "${m[1]}" has no output "${m[2]}"${suggest(m[2], Object.keys(target.outputs))}`);
        }
      }
      for (const m of s.matchAll(/(?<![.\w])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][A-Za-z0-9_]*))?/g)) {
        const [, isData, type, name, attribute] = m;
        const table = isData ? schema.data : schema.resources;
        if (!table[type] && (isData || !UNCHECKED_TYPES.has(type))) continue;
        if (!isData && !resources.has(`${type}.${name}`)) report(`${file}: reference to undeclared resource "${type}.${name}"`);
        const known = schema.attributes[isData ? 'data-sources' : 'resources'][type];
        if (attribute && known && !known.includes(camel(attribute))) {
          report(`${file}: ${isData || ''}${type} has no attribute "${attribute}"${suggest(attribute, known.map(snake))}`);
        }
      }
    }
  }
}

function checkModuleCalls(tree, module, errors) {
  for (const [name, call] of Object.entries(module.modules)) {
    const where = `${call.file} module.${name}`;
    if (typeof call.source !== 'string' || !call.source.startsWith('.')) {
      errors.push(`${where}: source "${call.source}" is not a local module; its contents could not be checked`);
      continue;
    }
    const target = tree.modules[path.normalize(path.join(module.dir, call.source))];
    if (!target) {
      errors.push(`${where}: source "${call.source}" has no .tf files`);
      continue;
    }
    for (const arg of Object.keys(call)) {
      if (MODULE_META.has(arg) || arg === 'file') continue;
      if (!target.variables[arg]) errors.push(`${where}: unknown variable "${arg}"${suggest(arg, Object.keys(target.variables))}`);
    }
    for (const [v, decl] of Object.entries(target.variables)) {
      if (!('default' in decl) && !(v in call)) errors.push(`${where}: missing required variable "${v}"`);
    }
  }
}

// A root's terraform.tfvars may set only declared variables, and must set
// every one without a default (plan would stop and ask).
function checkTfvars(module, errors) {
  if (!module.files.some((f) => f.endsWith('.tfvars'))) return;
  for (const name of Object.keys(module.tfvars)) {
    if (!module.variables[name]) errors.push(`${module.dir}/terraform.tfvars: "${name}" is not a declared variable${suggest(name, Object.keys(module.variables))}`);
  }
  for (const [name, decl] of Object.entries(module.variables)) {
    if (!('default' in decl) && !(name in module.tfvars)) errors.push(`${module.dir}/terraform.tfvars: no value for required variable "${name}"`);
  }
}

// Returns [{ name, errors, note }], one per folder.
function checkTree(schema, tree) {
  const results = [];
  for (const module of Object.values(tree.modules)) {
    const errors = [];
    const counts = { resources: 0, data: 0, unchecked: new Set() };
    for (const [kind, items, table] of [['resource', module.resources, schema.resources], ['data', module.data, schema.data]]) {
      for (const item of items) {
        const where = `${item.file} ${kind === 'data' ? 'data.' : ''}${item.type}.${item.name}`;
        if (kind === 'resource' && UNCHECKED_TYPES.has(item.type)) {
          counts.unchecked.add(item.type);
          continue;
        }
        if (!table[item.type]) {
          errors.push(`${where}: unknown ${kind === 'data' ? 'data source' : 'resource'} type "${item.type}" in hashicorp/aws ${schema.providerVersion}${suggest(item.type, Object.keys(table))}`);
          continue;
        }
        checkBody(schema, table[item.type], item.body, where, errors, true);
        counts[kind === 'data' ? 'data' : 'resources'] += 1;
      }
    }
    checkModuleCalls(tree, module, errors);
    checkTfvars(module, errors);
    checkReferences(schema, tree, module, errors);
    const unchecked = counts.unchecked.size ? `; not checkable offline: ${[...counts.unchecked].join(', ')}` : '';
    results.push({
      name: `schema ${module.dir}`,
      errors,
      note: `${counts.resources} resources, ${counts.data} data sources, ${Object.keys(module.modules).length} module calls${unchecked}`,
    });
  }
  return results;
}

module.exports = { checkTree };
