// Policies on the registry, keys, log groups and IAM.
'use strict';

const h = require('./helpers');

const ADMIN_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

// Statements of aws_iam_policy_document data sources, and of policies
// written inline with jsonencode (read from the expression text).
function allowStatements(instances) {
  const out = [];
  for (const d of h.dataOfType(instances, 'aws_iam_policy_document')) {
    for (const s of d.body.statement || []) {
      if ((s.effect || 'Allow') === 'Allow') out.push({ where: h.where(d), actions: s.actions, notActions: s.not_actions });
    }
  }
  return out;
}

function wildcard(action) {
  return action === '*' || /^[a-z0-9-]+:\*$/.test(action);
}

module.exports = [
  {
    id: 'CKV_AWS_51',
    title: 'ECR image tags are immutable',
    targets: ['aws_ecr_repository'],
    run: (instances) => h.ofType(instances, 'aws_ecr_repository').filter((r) => r.body.image_tag_mutability !== 'IMMUTABLE')
      .map((r) => `${h.where(r)}: image_tag_mutability is not IMMUTABLE`),
  },
  {
    id: 'CKV_AWS_163',
    title: 'ECR scans every image on push',
    targets: ['aws_ecr_repository'],
    run: (instances) => h.ofType(instances, 'aws_ecr_repository').filter((r) => !h.isTrue((h.first(r.body.image_scanning_configuration) || {}).scan_on_push))
      .map((r) => `${h.where(r)}: scan_on_push is not true`),
  },
  {
    id: 'CKV_AWS_136',
    title: 'ECR images are encrypted with a KMS key',
    targets: ['aws_ecr_repository'],
    run: (instances) => h.ofType(instances, 'aws_ecr_repository').filter((r) => (h.first(r.body.encryption_configuration) || {}).encryption_type !== 'KMS')
      .map((r) => `${h.where(r)}: encryption_type is not KMS`),
  },
  {
    id: 'house: ecr-lifecycle',
    title: 'every ECR repository has a lifecycle policy',
    targets: ['aws_ecr_repository'],
    run: (instances) => h.ofType(instances, 'aws_ecr_repository').filter((r) => !h.ofType(instances, 'aws_ecr_lifecycle_policy')
      .some((p) => h.sibling(p, r) && h.refersTo(p.body.repository, 'aws_ecr_repository', r.name)))
      .map((r) => `${h.where(r)}: no aws_ecr_lifecycle_policy`),
  },
  {
    id: 'CKV_AWS_7',
    title: 'every KMS key rotates',
    targets: ['aws_kms_key'],
    run: (instances) => h.ofType(instances, 'aws_kms_key').filter((k) => !h.isTrue(k.body.enable_key_rotation))
      .map((k) => `${h.where(k)}: enable_key_rotation is not true`),
  },
  {
    id: 'CKV_AWS_66',
    title: 'every CloudWatch log group has a retention',
    targets: ['aws_cloudwatch_log_group'],
    run: (instances) => h.ofType(instances, 'aws_cloudwatch_log_group').filter((g) => g.body.retention_in_days === undefined || Number(g.body.retention_in_days) === 0)
      .map((g) => `${h.where(g)}: no retention_in_days`),
  },
  {
    id: 'CKV_AWS_1/CKV_AWS_62/CKV_AWS_63',
    title: 'no IAM policy allows "*" or "service:*" actions, or uses NotAction',
    targets: ['aws_iam_policy_document'],
    run(instances) {
      const errors = [];
      for (const s of allowStatements(instances)) {
        if (s.notActions) errors.push(`${s.where}: Allow with not_actions`);
        for (const a of Array.isArray(s.actions) ? s.actions : [s.actions]) {
          if (typeof a === 'string' && wildcard(a)) errors.push(`${s.where}: allows "${a}"`);
        }
      }
      const inline = ['aws_iam_policy', 'aws_iam_role_policy'].flatMap((t) => h.ofType(instances, t));
      for (const p of inline) {
        const text = typeof p.body.policy === 'string' ? p.body.policy : '';
        if (/Action\s*=\s*(\[[^\]]*)?"(\*|[a-z0-9-]+:\*)"/.test(text)) errors.push(`${h.where(p)}: inline policy allows a wildcard action`);
      }
      return errors;
    },
  },
  {
    id: 'CKV_AWS_274',
    title: 'no role gets AdministratorAccess, PowerUserAccess or IAMFullAccess',
    targets: ['aws_iam_role_policy_attachment'],
    run: (instances) => h.ofType(instances, 'aws_iam_role_policy_attachment').filter((a) => ADMIN_POLICIES.test(String(a.body.policy_arn))
      || h.possibleValues(a, a.body.policy_arn).some((v) => ADMIN_POLICIES.test(String(v))))
      .map((a) => `${h.where(a)}: attaches ${a.body.policy_arn}`),
  },
];
