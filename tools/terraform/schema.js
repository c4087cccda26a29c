// The AWS provider's schema, offline. @cdktf/provider-aws is generated from
// the provider's own schema (hashicorp/aws 6.25.0 for 21.22.1); its .jsii
// file describes, for every resource and data source, a <Name>Config type
// whose properties are the arguments and nested blocks. The documentation
// link on each property carries the exact Terraform name
// (".../docs/resources/db_instance#publicly_accessible"), which is what we
// key on, rather than guessing the camelCase conversion back.
//
// Reading the 131 MB file takes a few seconds, so the extracted schema is
// cached as a small JSON file, keyed by the package's version and integrity.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const PACKAGE_DIR = path.dirname(require.resolve('@cdktf/provider-aws/package.json'));
const LINK = /\/providers\/hashicorp\/aws\/([0-9.]+)\/docs\/(resources|data-sources)\/([a-z0-9_]+)#([a-z0-9_]+)/;
const NAMESPACE = '@cdktf/provider-aws.';
// Bumped whenever the extracted shape changes, so an old cache is not read.
const FORMAT = 3;

// Finds the provider struct a property's type refers to (a nested block),
// looking through unions and collections; null for plain attributes.
function blockFqn(type, types) {
  if (!type) return null;
  if (type.fqn) return type.fqn.startsWith(NAMESPACE) && types[type.fqn] && types[type.fqn].datatype ? type.fqn : null;
  if (type.collection) return blockFqn(type.collection.elementtype, types);
  if (type.union) {
    for (const t of type.union.types) {
      const f = blockFqn(t, types);
      if (f) return f;
    }
  }
  return null;
}

function linkOf(property) {
  const docs = property.docs || {};
  return LINK.exec(`${docs.summary || ''} ${docs.remarks || ''}`);
}

// Every attribute a reference may read (arguments and computed ones alike),
// in cdktf's camelCase: the class of a resource has one getter for each.
// The *Input getters are cdktf's own, not Terraform attributes.
function attributesOf(cls) {
  if (!cls || cls.kind !== 'class') return null;
  return (cls.properties || []).filter((p) => !p.static && !p.name.endsWith('Input')).map((p) => p.name);
}

function extract(jsii) {
  const types = jsii.types;
  const structs = {};
  const resources = {};
  const data = {};
  const attributes = { resources: {}, 'data-sources': {} };
  let providerVersion = null;

  function struct(fqn) {
    if (structs[fqn]) return fqn;
    const s = { arguments: {}, blocks: {} };
    structs[fqn] = s;
    for (const p of types[fqn].properties || []) {
      const link = linkOf(p);
      if (!link) continue;
      const name = link[4];
      const nested = blockFqn(p.type, types);
      if (nested) s.blocks[name] = { required: !p.optional, struct: struct(nested) };
      else s.arguments[name] = { required: !p.optional };
    }
    return fqn;
  }

  for (const [fqn, t] of Object.entries(types)) {
    // Only the top-level <Name>Config of a resource or data source extends
    // the meta-arguments; nested blocks' structs (EksClusterAccessConfig…)
    // do not, though some of their names end in Config too.
    if (!t.datatype || !fqn.startsWith(NAMESPACE) || !(t.interfaces || []).includes('cdktf.TerraformMetaArguments')) continue;
    const link = (t.properties || []).map(linkOf).find(Boolean);
    if (!link) continue;
    providerVersion = providerVersion || link[1];
    const target = link[2] === 'resources' ? resources : data;
    const type = `aws_${link[3]}`;
    if (target[type]) throw new Error(`two schemas for ${link[2]} ${type}: ${target[type]} and ${fqn}`);
    target[type] = struct(fqn);
    attributes[link[2]][type] = attributesOf(types[fqn.replace(/Config$/, '')]);
  }
  return { format: FORMAT, packageVersion: jsii.version, providerVersion, resources, data, structs, attributes };
}

// The package's integrity hash from npm's record of what it installed, so
// a fresh `npm ci` of the same lock file still finds the cache; the file's
// size and time when there is no such record.
function cacheKey(stat) {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, '..', '..', '.package-lock.json'), 'utf8'));
    const integrity = lock.packages['node_modules/@cdktf/provider-aws'].integrity;
    return crypto.createHash('sha256').update(integrity).digest('hex').slice(0, 16);
  } catch (e) {
    return `${stat.size}-${Math.floor(stat.mtimeMs)}`;
  }
}

function loadSchema(cacheDir) {
  const jsiiPath = path.join(PACKAGE_DIR, '.jsii');
  const stat = fs.statSync(jsiiPath);
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
  const key = `${pkg.version}-${cacheKey(stat)}-v${FORMAT}`;
  const cacheFile = path.join(cacheDir, `provider-aws-schema-${key}.json`);
  if (fs.existsSync(cacheFile)) {
    return { schema: JSON.parse(fs.readFileSync(cacheFile, 'utf8')), cached: true };
  }
  const schema = extract(JSON.parse(fs.readFileSync(jsiiPath, 'utf8')));
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(schema));
  fs.renameSync(tmp, cacheFile);
  // Older extractions (another package version) are of no further use.
  for (const f of fs.readdirSync(cacheDir)) {
    if (/^provider-aws-schema-.*\.json$/.test(f) && path.join(cacheDir, f) !== cacheFile) fs.rmSync(path.join(cacheDir, f), { force: true });
  }
  return { schema, cached: false };
}

module.exports = { loadSchema };
