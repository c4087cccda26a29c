// EKS policies: endpoint exposure, secrets encryption, logging, access
// entries, and instance metadata on the nodes.
'use strict';

const h = require('./helpers');

const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

function clusters(instances) {
  return h.ofType(instances, 'aws_eks_cluster');
}

module.exports = [
  {
    id: 'CKV_AWS_38/CKV_AWS_39',
    title: 'EKS API: private endpoint on; public endpoint off or limited to listed blocks, never 0.0.0.0/0',
    targets: ['aws_eks_cluster'],
    run(instances) {
      const errors = [];
      for (const c of clusters(instances)) {
        const v = h.first(c.body.vpc_config) || {};
        if (!h.isTrue(v.endpoint_private_access)) errors.push(`${h.where(c)}: endpoint_private_access is not true`);
        if (h.isFalse(v.endpoint_public_access)) continue;
        if (v.public_access_cidrs === undefined) {
          errors.push(`${h.where(c)}: public endpoint without public_access_cidrs (AWS then allows 0.0.0.0/0)`);
          continue;
        }
        const cidrs = h.possibleValues(c, v.public_access_cidrs);
        if (cidrs.includes(h.OPEN_IPV4) || cidrs.includes(h.OPEN_IPV6)) errors.push(`${h.where(c)}: public endpoint open to the internet`);
      }
      return errors;
    },
  },
  {
    id: 'CKV_AWS_58',
    title: 'EKS secrets are envelope-encrypted with a KMS key',
    targets: ['aws_eks_cluster'],
    run(instances) {
      return clusters(instances).filter((c) => {
        const e = h.first(c.body.encryption_config);
        return !e || !Array.isArray(e.resources) || !e.resources.includes('secrets') || !(h.first(e.provider) || {}).key_arn;
      }).map((c) => `${h.where(c)}: no encryption_config for secrets with a key`);
    },
  },
  {
    id: 'CKV_AWS_37',
    title: 'EKS ships every control-plane log type',
    targets: ['aws_eks_cluster'],
    run(instances) {
      return clusters(instances).flatMap((c) => {
        const types = Array.isArray(c.body.enabled_cluster_log_types) ? c.body.enabled_cluster_log_types : [];
        const missing = LOG_TYPES.filter((t) => !types.includes(t));
        return missing.length ? [`${h.where(c)}: missing log types ${missing.join(', ')}`] : [];
      });
    },
  },
  {
    id: 'house: eks-access-entries',
    title: 'EKS uses access entries only (authentication_mode API, no aws-auth ConfigMap, no implicit creator admin)',
    targets: ['aws_eks_cluster'],
    run(instances) {
      return clusters(instances).filter((c) => {
        const a = h.first(c.body.access_config) || {};
        return a.authentication_mode !== 'API' || !h.isFalse(a.bootstrap_cluster_creator_admin_permissions);
      }).map((c) => `${h.where(c)}: access_config is not API-only without creator admin`);
    },
  },
  {
    id: 'CKV_AWS_79/CKV_AWS_341',
    title: 'node launch templates require IMDSv2 with a hop limit of 1',
    targets: ['aws_launch_template'],
    run(instances) {
      return h.ofType(instances, 'aws_launch_template').filter((t) => {
        const m = h.first(t.body.metadata_options) || {};
        return m.http_tokens !== 'required' || Number(m.http_put_response_hop_limit) !== 1;
      }).map((t) => `${h.where(t)}: metadata_options must set http_tokens = "required" and http_put_response_hop_limit = 1`);
    },
  },
  {
    id: 'CKV_AWS_8',
    title: 'node root volumes are encrypted',
    targets: ['aws_launch_template'],
    run(instances) {
      return h.ofType(instances, 'aws_launch_template').flatMap((t) => (t.body.block_device_mappings || [])
        .filter((b) => !h.isTrue((h.first(b.ebs) || {}).encrypted))
        .map((b) => `${h.where(t)}: ${b.device_name} is not encrypted`))
        .concat(h.ofType(instances, 'aws_launch_template').filter((t) => !(t.body.block_device_mappings || []).length)
          .map((t) => `${h.where(t)}: no block_device_mappings (the AMI's unencrypted default would apply)`));
    },
  },
];
