// Validates every object in the given multi-document YAML files against its JSON schema, offline:
// Kubernetes' built-in kinds with kubernetes-models (schemas generated from the Kubernetes OpenAPI spec), KEDA's
// custom resources with @kubernetes-models/keda (generated from KEDA's CRDs). An object whose apiVersion/kind has no
// schema in either package is reported as "no-schema", never passed silently.
//
// Usage: node validate.mjs FILE...   Prints one JSON object: {"results": [{file, index, apiVersion, kind, name,
// status: "valid" | "invalid" | "no-schema", errors}]}. Exit code 0 when every object is valid, 1 otherwise,
// 2 on bad usage or unreadable input. Known limit: like kubeconform without -strict, the schemas allow fields
// they do not know (a misspelt optional field is not caught).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// apiVersion group -> the package that holds its models ("" is the core group, apiVersion "v1").
const packages = [
  { groups: /^(keda\.sh|eventing\.keda\.sh)$/, module: "@kubernetes-models/keda" },
  { groups: /.*/, module: "kubernetes-models" },
];

async function modelFor(apiVersion, kind) {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const { module } = packages.find((p) => p.groups.test(group));
  try {
    const models = await import(`${module}/${apiVersion}`);
    return models[kind] ?? null;
  } catch (e) {
    if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") return null;
    throw e;
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}

const results = [];
for (const file of files) {
  let documents;
  try {
    documents = parseAllDocuments(readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    process.exit(2);
  }
  let index = 0;
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.error(`${file}: document ${index}: ${document.errors[0].message}`);
      process.exit(2);
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue; // an empty document between two ---
    const { apiVersion = "", kind = "" } = object;
    const result = { file, index, apiVersion, kind, name: object.metadata?.name ?? "", status: "valid", errors: [] };
    const Model = apiVersion && kind ? await modelFor(apiVersion, kind) : null;
    if (!Model) {
      result.status = "no-schema";
    } else {
      try {
        new Model(object).validate();
      } catch (e) {
        result.status = "invalid";
        result.errors = (e.errors ?? [e]).map((x) => (x.instancePath !== undefined ? `${x.instancePath} ${x.message}` : String(x.message ?? x)));
      }
    }
    results.push(result);
    index++;
  }
}
console.log(JSON.stringify({ results }));
process.exit(results.every((r) => r.status === "valid") ? 0 : 1);
