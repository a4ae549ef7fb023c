// The Rego of the ConstraintTemplate. Gatekeeper's `external_data` builtin
// (open-policy-agent/frameworks constraint/pkg/externaldata) returns
//   {"responses": [[key, value], ...], "errors": [[key, error], ...], "status_code": N, "system_error": "..."}
// and the value serve gives an image is its verdict, the `verify --json` shape:
//   {"image", "digest", "allowed", "rules": [{"rule", "passed", "reason"}]}.
// Every path that is not a clean verdict for every image is a violation: fail closed.
// Rego v0 syntax (the `rego:` field), which every Gatekeeper with external data (>= 3.11) accepts.

/** Anchored RE2 for one `spec.images` glob (`*` is any run of characters, as in src/policy/glob.ts). */
export function globRegExp(glob: string): string {
  return '^' + glob.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')).join('.*') + '$';
}

export const GATEKEEPER_REGO = `package shipimage

# The pod spec of a Pod, of a workload's pod template, or of a CronJob's job template.
pod_spec(obj) = spec {
  obj.kind == "Pod"
  spec := obj.spec
}

pod_spec(obj) = spec {
  obj.kind == "CronJob"
  spec := obj.spec.jobTemplate.spec.template.spec
}

pod_spec(obj) = spec {
  obj.kind != "Pod"
  obj.kind != "CronJob"
  spec := obj.spec.template.spec
}

container_fields := {"containers", "initContainers", "ephemeralContainers"}

# The pod spec holds references as written; the policy's globs name the registry host, so a short
# Docker Hub name is also matched in its full form (\`nginx\` is docker.io/library/nginx).
in_scope(image) {
  regex.match(input.parameters.imagePatterns[_], image)
}

in_scope(image) {
  regex.match(input.parameters.imagePatterns[_], full_reference(image))
}

full_reference(image) = full {
  not contains(image, "/")
  full := concat("", ["docker.io/library/", image])
}

full_reference(image) = full {
  contains(image, "/")
  not registry_host(split(image, "/")[0])
  full := concat("", ["docker.io/", image])
}

full_reference(image) = image {
  contains(image, "/")
  registry_host(split(image, "/")[0])
}

registry_host(first) {
  contains(first, ".")
}

registry_host(first) {
  contains(first, ":")
}

registry_host(first) {
  first == "localhost"
}

# Every image of every container kind that the policy's spec.images covers.
images[image] {
  spec := pod_spec(input.review.object)
  field := container_fields[_]
  image := spec[field][_].image
  in_scope(image)
}

image_list := [image | images[image]]

# One request for all images: Gatekeeper batches and caches per key.
verdicts = response {
  count(image_list) > 0
  response := external_data({"provider": input.parameters.provider, "keys": image_list})
}

answered[key] {
  key := verdicts.responses[_][0]
}

answered[key] {
  key := verdicts.errors[_][0]
}

# A builtin that failed leaves the response undefined: that is no verdict, not an allow.
violation[{"msg": msg}] {
  count(image_list) > 0
  not verdicts
  msg := sprintf("ship-image: no answer from provider %v for %v; denied (fail closed)", [input.parameters.provider, image_list])
}

# The provider itself could not answer (unreachable, timed out, systemError).
violation[{"msg": msg}] {
  verdicts.system_error != ""
  msg := sprintf("ship-image: provider %v failed: %v; %v denied (fail closed)", [input.parameters.provider, verdicts.system_error, image_list])
}

violation[{"msg": msg}] {
  verdicts.system_error == ""
  code := verdicts.status_code
  code != 0
  code != 200
  msg := sprintf("ship-image: provider %v answered HTTP %v; %v denied (fail closed)", [input.parameters.provider, code, image_list])
}

# No verdict for this image (the registry or a trust root could not be reached, a bad reference).
violation[{"msg": msg}] {
  [image, err] := verdicts.errors[_]
  msg := sprintf("image %v: no verdict: %v; denied (fail closed)", [image, err])
}

# Each failed rule, also in audit mode (where serve allows but reports the failures).
violation[{"msg": msg}] {
  [image, value] := verdicts.responses[_]
  rule := value.rules[_]
  rule.passed == false
  msg := sprintf("image %v (verdict for %v): rule %v failed: %v", [image, object.get(value, "digest", "an unresolved digest"), rule.rule, rule.reason])
}

# Denied without a failed rule to name, or a value that is not a verdict.
violation[{"msg": msg}] {
  [image, value] := verdicts.responses[_]
  not allowed(value)
  not failed_rule(value)
  msg := sprintf("image %v: denied by ship-image: %v", [image, value])
}

# A key the provider did not answer at all.
violation[{"msg": msg}] {
  verdicts.system_error == ""
  image := image_list[_]
  not answered[image]
  msg := sprintf("image %v: the provider gave no verdict; denied (fail closed)", [image])
}

allowed(value) {
  value.allowed == true
}

failed_rule(value) {
  value.rules[_].passed == false
}
`;
