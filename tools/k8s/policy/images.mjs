// No mutable image references. Everywhere: an image has a tag or a digest,
// and the tag is not "latest". With --require-digest (the aws overlay) every
// image is pinned by sha256 digest, so what runs is exactly what was built
// and tested, whatever happens to a tag later.
import { allContainers, workloads } from "../lib/workloads.mjs";
import { objectName } from "../lib/load.mjs";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export const id = "images";
export const describe = "images pinned: never untagged or :latest; by sha256 digest where required";
export function run(objects, options) {
  const problems = [];
  for (const w of workloads(objects))
    for (const c of allContainers(w)) {
      const where = `${objectName(w)} container ${c.name}: image ${c.image}`;
      if (DIGEST.test(c.image)) continue;
      if (options.requireDigest) {
        problems.push(`${where} is not pinned by digest`);
        continue;
      }
      const tag = /:([^:/@]+)$/.exec(c.image)?.[1];
      if (!tag) problems.push(`${where} has no tag or digest`);
      else if (tag === "latest") problems.push(`${where} uses the mutable tag latest`);
    }
  return problems;
}
