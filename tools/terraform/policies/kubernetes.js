// The load balancer is made by the AWS Load Balancer Controller from the
// Ingress, so its attributes are Ingress annotations, not Terraform: check
// them where k8s/ keeps them.
'use strict';

const fs = require('fs');
const path = require('path');

const ATTRIBUTES = ['routing.http.drop_invalid_header_fields.enabled=true', 'routing.http.desync_mitigation_mode=strictest'];

function annotation(text, name) {
  const re = new RegExp(`^\\s*${name.replace(/[./]/g, '\\$&')}:\\s*(.+?)\\s*$`, 'm');
  const m = re.exec(text);
  return m ? m[1].replace(/^(['"])(.*)\1$/, '$2') : null;
}

module.exports = [
  {
    id: 'house: alb-attributes (cf. CKV_AWS_131, CKV_AWS_328)',
    title: 'the Ingress asks the controller to drop invalid header fields and use the strictest desync mitigation',
    targets: [],
    run(instances, tree, root) {
      const file = path.join(root, '..', 'k8s', 'base', 'ingress.yaml');
      if (!fs.existsSync(file)) return { skip: `${path.relative(path.join(root, '..'), file)} does not exist` };
      const text = fs.readFileSync(file, 'utf8');
      const value = annotation(text, 'alb.ingress.kubernetes.io/load-balancer-attributes');
      if (value === null) return ['k8s/base/ingress.yaml: no alb.ingress.kubernetes.io/load-balancer-attributes annotation'];
      const set = value.split(',').map((s) => s.trim());
      return ATTRIBUTES.filter((a) => !set.includes(a)).map((a) => `k8s/base/ingress.yaml: load-balancer-attributes lacks ${a}`);
    },
  },
];
