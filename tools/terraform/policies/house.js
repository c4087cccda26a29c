// Project rules that no public scanner has: pinned versions, the outputs
// other parts of the project read, and the cluster add-ons' contract with
// k8s/ (the shared contracts in terraform/README.md).
'use strict';

const h = require('./helpers');

const TERRAFORM_PIN = '~> 1.11.0';
const EXACT = /^\d+\.\d+\.\d+$/;
const PROVIDER_PINS = { aws: '6.25.0' };

// The Terraform outputs the pipeline turns into k8s/overlays/aws/environment.env
// and uses itself; both environments must have every one.
const CONTRACT_OUTPUTS = [
  'hostname', 'acm_certificate_arn', 'database_secret_arn', 'database_endpoint', 'database_name',
  'fluent_bit_role_arn', 'log_group_name', 'region', 'public_subnets_aggregate_cidr',
  'database_subnets_aggregate_cidr', 'ecr_repository_url', 'cluster_name', 'ci_role_arn',
];

function helmReleases(instances) {
  return h.ofType(instances, 'helm_release');
}

function valuesText(r) {
  return JSON.stringify(r.body.values || '');
}

module.exports = [
  {
    id: 'house: pinned-versions',
    title: `every folder pins Terraform ${TERRAFORM_PIN} and each provider exactly (aws ${PROVIDER_PINS.aws})`,
    targets: [],
    run(instances, tree) {
      const errors = [];
      for (const m of Object.values(tree.modules)) {
        const blocks = m.terraform.map((t) => t.body);
        if (!blocks.some((b) => b.required_version === TERRAFORM_PIN)) errors.push(`${m.dir}: required_version is not "${TERRAFORM_PIN}"`);
        const providers = Object.assign({}, ...blocks.flatMap((b) => b.required_providers || []));
        if (!providers.aws) errors.push(`${m.dir}: no required_providers.aws`);
        for (const [name, p] of Object.entries(providers)) {
          if (!p || !EXACT.test(String(p.version))) errors.push(`${m.dir}: provider ${name} is not pinned to one version (${p && p.version})`);
          else if (PROVIDER_PINS[name] && p.version !== PROVIDER_PINS[name]) errors.push(`${m.dir}: provider ${name} is ${p.version}, not ${PROVIDER_PINS[name]}`);
        }
      }
      return errors;
    },
  },
  {
    id: 'house: contract-outputs',
    title: 'envs/dev and envs/prod have the same outputs, including every one the pipeline reads',
    targets: [],
    run(instances, tree) {
      const errors = [];
      const dev = tree.modules['envs/dev'];
      const prod = tree.modules['envs/prod'];
      if (!dev || !prod) return ['envs/dev and envs/prod must both exist'];
      for (const env of [dev, prod]) {
        for (const o of CONTRACT_OUTPUTS) if (!env.outputs[o]) errors.push(`${env.dir}: no output "${o}"`);
        for (const [name, o] of Object.entries(env.outputs)) {
          if (h.isTrue(o.sensitive) || /password/i.test(name)) errors.push(`${env.dir}: output "${name}" looks like a secret`);
        }
      }
      const a = Object.keys(dev.outputs).sort().join(' ');
      const b = Object.keys(prod.outputs).sort().join(' ');
      if (a !== b) errors.push(`envs/dev and envs/prod outputs differ: [${a}] vs [${b}]`);
      return errors;
    },
  },
  {
    id: 'house: no-fluent-bit-release',
    title: 'no Helm release of Fluent Bit (k8s/components/logging deploys it; two DaemonSets would ship every line twice)',
    targets: ['helm_release'],
    run: (instances) => helmReleases(instances).filter((r) => /fluent-?bit/i.test(`${r.body.chart} ${r.body.name}`))
      .map((r) => `${h.where(r)}: chart ${r.body.chart}`),
  },
  {
    id: 'house: monitoring-contract',
    title: 'kube-prometheus-stack selects every ServiceMonitor, PodMonitor and PrometheusRule, and Grafana loads grafana_dashboard: "1" from all namespaces',
    targets: ['helm_release'],
    run(instances) {
      const releases = helmReleases(instances).filter((r) => r.body.chart === 'kube-prometheus-stack');
      if (!releases.length) return ['no kube-prometheus-stack release'];
      const must = [
        /serviceMonitorSelectorNilUsesHelmValues\s*=\s*false/, /podMonitorSelectorNilUsesHelmValues\s*=\s*false/,
        /ruleSelectorNilUsesHelmValues\s*=\s*false/, /label\s*=\s*\\"grafana_dashboard\\"/, /labelValue\s*=\s*\\"1\\"/,
        /searchNamespace\s*=\s*\\"ALL\\"/,
      ];
      return releases.flatMap((r) => {
        if (r.body.namespace !== 'monitoring') return [`${h.where(r)}: namespace is not monitoring`];
        const text = valuesText(r);
        return must.filter((re) => !re.test(text)).map((re) => `${h.where(r)}: values lack ${re.source.replace(/\\+"/g, '"').replace(/\\s\*/g, ' ')}`);
      });
    },
  },
  {
    id: 'house: irsa-service-accounts',
    title: 'IRSA roles for the contracts\' service accounts in each environment, and one CI role for jenkins:jenkins-agent',
    targets: [],
    run(instances) {
      // Every environment's own components; the CI role exists once, in the
      // pipeline's home environment.
      const perEnvironment = ['kube-system:aws-load-balancer-controller', 'external-secrets:external-secrets',
        'logging:fluent-bit', 'monitoring:prometheus'];
      const subjects = (root) => h.dataOfType(instances, 'aws_iam_policy_document').filter((d) => d.root === root)
        .flatMap((d) => (d.body.statement || []).flatMap((s) => (s.condition || []).filter((c) => /:sub$/.test(String(c.variable)))
          .flatMap((c) => (Array.isArray(c.values) ? c.values : []))));
      const errors = [];
      for (const root of ['envs/dev', 'envs/prod']) {
        for (const w of perEnvironment) if (!subjects(root).includes(`system:serviceaccount:${w}`)) errors.push(`${root}: no IRSA role trusting ${w}`);
      }
      const ci = ['envs/dev', 'envs/prod'].filter((r) => subjects(r).includes('system:serviceaccount:jenkins:jenkins-agent'));
      if (ci.length !== 1) errors.push(`the CI role (trusting jenkins:jenkins-agent) must exist in exactly one environment, found in ${ci.length}`);
      return errors;
    },
  },
];
