// Reads a Terraform tree into plain objects: every .tf file of every folder
// parsed with @cdktf/hcl2json (HashiCorp's own HCL parser compiled to
// WebAssembly, so what parses here parses for terraform), merged per folder
// into one module: resources, data sources, variables, outputs, locals,
// module calls, terraform blocks and providers, each item remembering its
// file. A file that does not parse is reported, not skipped.
'use strict';

const fs = require('fs');
const path = require('path');
const hcl = require('@cdktf/hcl2json');

// Parsed files by content: the negative tests load many copies of the same
// tree that differ in one file. Each call gets its own deep copy.
const parsed = new Map();

async function parseCached(name, text) {
  const key = `${name}\0${text}`;
  if (!parsed.has(key)) parsed.set(key, JSON.stringify(await hcl.parse(name, text)));
  return JSON.parse(parsed.get(key));
}

function listTfDirs(root) {
  const dirs = [];
  (function walk(dir) {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name.endsWith('.tf'))) dirs.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name));
    }
  })(root);
  return dirs.sort();
}

function emptyModule(dir) {
  return {
    dir, resources: [], data: [], variables: {}, outputs: {}, locals: {},
    modules: {}, terraform: [], providers: [], tfvars: {}, files: [],
  };
}

// hcl2json gives every block as an array of bodies keyed by its labels.
function addLabelled(module, file, json) {
  for (const [kind, key] of [['resource', 'resources'], ['data', 'data']]) {
    for (const [type, byName] of Object.entries(json[kind] || {})) {
      for (const [name, bodies] of Object.entries(byName)) {
        for (const body of bodies) module[key].push({ type, name, body, file });
      }
    }
  }
  for (const [name, bodies] of Object.entries(json.variable || {})) module.variables[name] = { ...bodies[0], file };
  for (const [name, bodies] of Object.entries(json.output || {})) module.outputs[name] = { ...bodies[0], file };
  for (const [name, bodies] of Object.entries(json.module || {})) module.modules[name] = { ...bodies[0], file };
  for (const locals of json.locals || []) Object.assign(module.locals, locals);
  for (const t of json.terraform || []) module.terraform.push({ body: t, file });
  for (const [name, bodies] of Object.entries(json.provider || {})) {
    for (const body of bodies) module.providers.push({ name, body, file });
  }
}

// Returns { modules: {relativeDir: module}, errors: [message] }.
async function loadTree(root) {
  const modules = {};
  const errors = [];
  for (const dir of listTfDirs(root)) {
    const rel = path.relative(root, dir) || '.';
    const module = emptyModule(rel);
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.tf') || f.endsWith('.tfvars')).sort();
    for (const name of names) {
      const file = path.join(rel, name);
      let json;
      try {
        json = await parseCached(name, fs.readFileSync(path.join(dir, name), 'utf8'));
      } catch (e) {
        errors.push(`${file}: ${String(e.message || e).trim()}`);
        continue;
      }
      module.files.push(file);
      if (name.endsWith('.tfvars')) Object.assign(module.tfvars, json);
      else addLabelled(module, file, json);
    }
    modules[rel] = module;
  }
  return { modules, errors };
}

module.exports = { loadTree };
