// Runs every policy over every instantiated root. A policy that found
// nothing to look at fails: a check that cannot fail is a defect.
'use strict';

const { instantiate } = require('../evaluate');

const POLICIES = [
  ...require('./network'),
  ...require('./eks'),
  ...require('./database'),
  ...require('./resources'),
  ...require('./state'),
  ...require('./house'),
  ...require('./kubernetes'),
];

function checkPolicies(tree, root) {
  const instances = instantiate(tree);
  return POLICIES.map((p) => {
    const name = `policy ${p.id}: ${p.title}`;
    const targets = instances.filter((i) => p.targets.includes(i.type));
    if (p.targets.length && !targets.length) return { name, errors: [`found no ${p.targets.join('/')} to check`] };
    const result = p.run(instances, tree, root);
    if (result && result.skip) return { name, errors: [], skip: result.skip };
    return { name, errors: [...new Set(result)], note: p.targets.length ? `${targets.length} checked` : '' };
  });
}

module.exports = { checkPolicies };
