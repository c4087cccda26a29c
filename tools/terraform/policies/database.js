// RDS policies: exposure, encryption, the managed password, TLS, backups,
// and what prod must add (deletion protection, Multi-AZ).
'use strict';

const h = require('./helpers');

function dbs(instances) {
  return h.ofType(instances, 'aws_db_instance');
}

function prodOnly(instances) {
  return dbs(instances).filter((d) => /(^|\/)prod$/.test(d.root));
}

module.exports = [
  {
    id: 'CKV_AWS_17',
    title: 'RDS instances are not publicly accessible (set explicitly false)',
    targets: ['aws_db_instance'],
    run: (instances) => dbs(instances).filter((d) => !h.isFalse(d.body.publicly_accessible)).map((d) => `${h.where(d)}: publicly_accessible is not false`),
  },
  {
    id: 'CKV_AWS_16',
    title: 'RDS storage is encrypted with a customer-managed KMS key',
    targets: ['aws_db_instance'],
    run: (instances) => dbs(instances).filter((d) => !h.isTrue(d.body.storage_encrypted) || !d.body.kms_key_id).map((d) => `${h.where(d)}: storage_encrypted/kms_key_id missing`),
  },
  {
    id: 'house: rds-managed-password',
    title: 'the master password is managed by RDS in Secrets Manager; no password argument, so none in state',
    targets: ['aws_db_instance'],
    run: (instances) => dbs(instances).filter((d) => !h.isTrue(d.body.manage_master_user_password) || 'password' in d.body || 'password_wo' in d.body)
      .map((d) => `${h.where(d)}: set manage_master_user_password = true and no password`),
  },
  {
    id: 'CKV2_AWS_69',
    title: 'RDS PostgreSQL requires TLS (rds.force_ssl = 1 in its parameter group)',
    targets: ['aws_db_instance'],
    run(instances) {
      return dbs(instances).filter((d) => !h.ofType(instances, 'aws_db_parameter_group').some((g) => h.sibling(g, d)
        && h.refersTo(d.body.parameter_group_name, 'aws_db_parameter_group', g.name)
        && (g.body.parameter || []).some((p) => p.name === 'rds.force_ssl' && String(p.value) === '1')))
        .map((d) => `${h.where(d)}: its parameter group does not set rds.force_ssl = 1`);
    },
  },
  {
    id: 'CKV_AWS_133',
    title: 'RDS keeps automated backups for at least 7 days',
    targets: ['aws_db_instance'],
    run: (instances) => dbs(instances).filter((d) => !(Number(d.body.backup_retention_period) >= 7)).map((d) => `${h.where(d)}: backup_retention_period ${d.body.backup_retention_period}`),
  },
  {
    id: 'CKV_AWS_353/CKV_AWS_354',
    title: 'Performance Insights on, encrypted with a customer-managed key',
    targets: ['aws_db_instance'],
    run: (instances) => dbs(instances).filter((d) => !h.isTrue(d.body.performance_insights_enabled) || !d.body.performance_insights_kms_key_id)
      .map((d) => `${h.where(d)}: Performance Insights off or without a key`),
  },
  {
    id: 'CKV_AWS_293',
    title: 'prod RDS has deletion protection',
    targets: ['aws_db_instance'],
    run: (instances) => {
      const p = prodOnly(instances);
      if (!p.length) return ['no aws_db_instance in a prod root'];
      return p.filter((d) => !h.isTrue(d.body.deletion_protection)).map((d) => `${h.where(d)}: deletion_protection is not true`);
    },
  },
  {
    id: 'CKV_AWS_157',
    title: 'prod RDS is Multi-AZ',
    targets: ['aws_db_instance'],
    run: (instances) => {
      const p = prodOnly(instances);
      if (!p.length) return ['no aws_db_instance in a prod root'];
      return p.filter((d) => !h.isTrue(d.body.multi_az)).map((d) => `${h.where(d)}: multi_az is not true`);
    },
  },
];
