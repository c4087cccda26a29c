// Policies on Terraform's own state: the bucket bootstrap creates and the
// backends that use it.
'use strict';

const h = require('./helpers');

function attached(instances, bucket, type) {
  return h.ofType(instances, type).filter((x) => h.sibling(x, bucket) && h.refersTo(x.body.bucket, 'aws_s3_bucket', bucket.name));
}

function denyInsecure(instances, policy) {
  return h.dataOfType(instances, 'aws_iam_policy_document').some((d) => h.sibling(d, policy)
    && h.refersTo(policy.body.policy, `data.aws_iam_policy_document`, d.name)
    && (d.body.statement || []).some((s) => s.effect === 'Deny' && (s.condition || [])
      .some((c) => c.variable === 'aws:SecureTransport' && c.test === 'Bool' && Array.isArray(c.values) && c.values.map(String).includes('false'))));
}

function backends(tree) {
  const out = [];
  for (const m of Object.values(tree.modules)) {
    for (const t of m.terraform) {
      for (const [type, bodies] of Object.entries(t.body.backend || {})) out.push({ dir: m.dir, file: t.file, type, body: bodies[0] });
    }
  }
  return out;
}

module.exports = [
  {
    id: 'CKV_AWS_21',
    title: 'S3 buckets are versioned',
    targets: ['aws_s3_bucket'],
    run: (instances) => h.ofType(instances, 'aws_s3_bucket').filter((b) => !attached(instances, b, 'aws_s3_bucket_versioning')
      .some((v) => (h.first(v.body.versioning_configuration) || {}).status === 'Enabled')).map((b) => `${h.where(b)}: versioning not Enabled`),
  },
  {
    id: 'CKV_AWS_145',
    title: 'S3 buckets are encrypted with a KMS key by default',
    targets: ['aws_s3_bucket'],
    run: (instances) => h.ofType(instances, 'aws_s3_bucket').filter((b) => !attached(instances, b, 'aws_s3_bucket_server_side_encryption_configuration')
      .some((e) => (e.body.rule || []).some((r) => {
        const d = h.first(r.apply_server_side_encryption_by_default) || {};
        return d.sse_algorithm === 'aws:kms' && d.kms_master_key_id;
      }))).map((b) => `${h.where(b)}: no aws:kms default encryption with a key`),
  },
  {
    id: 'CKV_AWS_53/CKV_AWS_54/CKV_AWS_55/CKV_AWS_56, CKV2_AWS_6',
    title: 'S3 buckets block every kind of public access',
    targets: ['aws_s3_bucket'],
    run: (instances) => h.ofType(instances, 'aws_s3_bucket').filter((b) => !attached(instances, b, 'aws_s3_bucket_public_access_block')
      .some((p) => ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => h.isTrue(p.body[k]))))
      .map((b) => `${h.where(b)}: public access block missing or incomplete`),
  },
  {
    id: 'CKV_AWS_379',
    title: 'S3 buckets refuse requests without TLS (Deny on aws:SecureTransport = false)',
    targets: ['aws_s3_bucket'],
    run: (instances) => h.ofType(instances, 'aws_s3_bucket').filter((b) => !attached(instances, b, 'aws_s3_bucket_policy').some((p) => denyInsecure(instances, p)))
      .map((b) => `${h.where(b)}: no bucket policy denying insecure transport`),
  },
  {
    id: 'house: state-backend',
    title: 'every environment keeps its state in S3, encrypted, with S3 locking (use_lockfile)',
    targets: [],
    run(instances, tree) {
      const errors = [];
      const envs = Object.keys(tree.modules).filter((d) => d.startsWith('envs/'));
      if (!envs.length) return ['no environments under envs/'];
      for (const env of envs) {
        const b = backends(tree).find((x) => x.dir === env);
        if (!b) errors.push(`${env}: no backend block (state would stay on one laptop)`);
        else if (b.type !== 's3' || !h.isTrue(b.body.encrypt) || !h.isTrue(b.body.use_lockfile)) errors.push(`${b.file}: backend must be s3 with encrypt = true and use_lockfile = true`);
      }
      return errors;
    },
  },
];
