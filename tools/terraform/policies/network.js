// Network policies: security groups, network ACLs, subnets, flow logs.
'use strict';

const h = require('./helpers');

const SG_RULE_TYPES = ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_security_group_rule'];
const ADMIN_PORTS = [20, 21, 22, 3389];

function cidrsOf(i) {
  const b = i.body;
  return [b.cidr_ipv4, b.cidr_ipv6, ...(Array.isArray(b.cidr_blocks) ? b.cidr_blocks : []), ...(Array.isArray(b.ipv6_cidr_blocks) ? b.ipv6_cidr_blocks : [])]
    .flatMap((v) => h.possibleValues(i, v));
}

function isOpen(cidrs) {
  return cidrs.includes(h.OPEN_IPV4) || cidrs.includes(h.OPEN_IPV6);
}

// Inline ingress/egress blocks of aws_security_group, as pseudo-rules.
function inlineRules(instances, direction) {
  return h.ofType(instances, 'aws_security_group').flatMap((sg) => (sg.body[direction] || []).map((r) => ({ ...sg, body: r })));
}

function isIngress(i) {
  return i.type === 'aws_vpc_security_group_ingress_rule' || (i.type === 'aws_security_group_rule' && i.body.type === 'ingress');
}

function isEgress(i) {
  return i.type === 'aws_vpc_security_group_egress_rule' || (i.type === 'aws_security_group_rule' && i.body.type === 'egress');
}

module.exports = [
  {
    id: 'CKV_AWS_23',
    title: 'every security group and security group rule has a description',
    targets: ['aws_security_group', ...SG_RULE_TYPES],
    run(instances) {
      return instances.filter((i) => [...this.targets].includes(i.type) && i.kind === 'resource')
        .filter((i) => typeof i.body.description !== 'string' || !i.body.description.trim())
        .map((i) => `${h.where(i)}: no description`);
    },
  },
  {
    id: 'CKV_AWS_24/CKV_AWS_25/CKV_AWS_260/CKV_AWS_277',
    title: 'no security group ingress from 0.0.0.0/0 or ::/0 (the internet-facing ALB group is the controller\'s, from the Ingress)',
    targets: SG_RULE_TYPES.concat('aws_security_group'),
    run(instances) {
      const rules = [...instances.filter((i) => i.kind === 'resource' && isIngress(i)), ...inlineRules(instances, 'ingress')];
      return rules.filter((i) => isOpen(cidrsOf(i))).map((i) => `${h.where(i)}: ingress open to the internet`);
    },
  },
  {
    id: 'CKV_AWS_382',
    title: 'no security group egress of all protocols to 0.0.0.0/0 (egress is narrowed per port)',
    targets: SG_RULE_TYPES.concat('aws_security_group'),
    run(instances) {
      const rules = [...instances.filter((i) => i.kind === 'resource' && isEgress(i)), ...inlineRules(instances, 'egress')];
      return rules.filter((i) => isOpen(cidrsOf(i)) && ['-1', 'all', -1].includes(i.body.ip_protocol ?? i.body.protocol))
        .map((i) => `${h.where(i)}: all traffic to the internet`);
    },
  },
  {
    id: 'CKV_AWS_229/CKV_AWS_230/CKV_AWS_231/CKV_AWS_232',
    title: 'no network ACL rule admits all protocols, or ports 20, 21, 22 or 3389, from 0.0.0.0/0',
    targets: ['aws_network_acl_rule'],
    run(instances) {
      const errors = [];
      for (const i of h.ofType(instances, 'aws_network_acl_rule')) {
        const b = i.body;
        if (h.isTrue(b.egress) || b.rule_action !== 'allow' || !isOpen(h.possibleValues(i, b.cidr_block).concat(h.possibleValues(i, b.ipv6_cidr_block)))) continue;
        if (['-1', 'all', -1].includes(b.protocol)) {
          errors.push(`${h.where(i)}: all protocols from the internet`);
          continue;
        }
        const from = Number(b.from_port);
        const to = Number(b.to_port);
        if (!Number.isFinite(from) || !Number.isFinite(to)) errors.push(`${h.where(i)}: ports not resolvable (${b.from_port}-${b.to_port})`);
        else {
          const hit = ADMIN_PORTS.filter((p) => p >= from && p <= to);
          if (hit.length) errors.push(`${h.where(i)}: ports ${from}-${to} from the internet include ${hit.join(', ')}`);
        }
      }
      return errors;
    },
  },
  {
    id: 'CKV_AWS_130',
    title: 'no subnet gives instances public addresses automatically',
    targets: ['aws_subnet'],
    run(instances) {
      return h.ofType(instances, 'aws_subnet').filter((i) => !h.isFalse(i.body.map_public_ip_on_launch))
        .map((i) => `${h.where(i)}: map_public_ip_on_launch is not false`);
    },
  },
  {
    id: 'CKV2_AWS_12',
    title: 'every VPC\'s default security group is managed and allows nothing',
    targets: ['aws_vpc'],
    run(instances) {
      const errors = [];
      for (const vpc of h.ofType(instances, 'aws_vpc')) {
        const d = h.ofType(instances, 'aws_default_security_group').find((g) => h.sibling(g, vpc) && h.refersTo(g.body.vpc_id, 'aws_vpc', vpc.name));
        if (!d) errors.push(`${h.where(vpc)}: no aws_default_security_group`);
        else if (d.body.ingress || d.body.egress) errors.push(`${h.where(d)}: the default security group has rules`);
      }
      return errors;
    },
  },
  {
    id: 'CKV2_AWS_11',
    title: 'every VPC has flow logs of all traffic',
    targets: ['aws_vpc'],
    run(instances) {
      return h.ofType(instances, 'aws_vpc').filter((vpc) => !h.ofType(instances, 'aws_flow_log')
        .some((f) => h.sibling(f, vpc) && h.refersTo(f.body.vpc_id, 'aws_vpc', vpc.name) && f.body.traffic_type === 'ALL'))
        .map((vpc) => `${h.where(vpc)}: no aws_flow_log with traffic_type ALL`);
    },
  },
];
