// Forms generated from a pydantic settings schema (model_json_schema): one general
// mechanism for every activity type — objects, lists of objects, optional blocks
// (anyOf with null), enums, booleans, integers with their bounds, texts with their length.
// Every input carries `data-loc`, the place the scripts' validator names in its problems
// (`steps[2].settings.votes.budget`), so that an error is shown next to its field.

import { h } from "./ui.js";

let counter = 0;
const uid = (prefix) => `${prefix}-${++counter}`;

/** Resolve `$ref` against the schema's `$defs`. */
function resolver(root) {
  const defs = root.$defs || {};
  return (schema) => {
    if (schema && schema.$ref) return defs[schema.$ref.split("/").pop()] || {};
    return schema || {};
  };
}

/** The non-null member of `anyOf: [X, null]`, or null when the schema is not optional. */
function optionalInner(schema, resolve) {
  if (!Array.isArray(schema.anyOf) || schema.anyOf.length !== 2) return null;
  const others = schema.anyOf.filter((s) => s.type !== "null");
  return others.length === 1 ? resolve(others[0]) : null;
}

/** A value that satisfies the schema's bounds: its default, else its minimum. */
export function sample(schema, resolve) {
  schema = resolve(schema);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return null;
  switch (schema.type) {
    case "object": {
      const out = {};
      for (const [key, sub] of Object.entries(schema.properties || {})) {
        out[key] = sample(sub, resolve);
      }
      return out;
    }
    case "array": return [];
    case "integer": return schema.minimum ?? 0;
    case "boolean": return false;
    default: return "";
  }
}

const locOf = (base, path) =>
  path.reduce((loc, part) => (typeof part === "number" ? `${loc}[${part}]` : `${loc}.${part}`), base);

/**
 * Build the settings form. `ctx`: { schema (root), labels, base (loc prefix of the
 * settings, e.g. "steps[0].settings"), earlierSteps (ids, for `*_from`), onChange(),
 * disabled }. `holder.value` is the settings object, changed in place.
 */
export function settingsForm(holder, ctx) {
  const resolve = resolver(ctx.schema);
  const root = resolve(ctx.schema);
  const wrap = h("div", { class: "de-settings", "data-loc": ctx.base });
  const render = () => {
    wrap.replaceChildren(...objectFields(root, holder.value, []));
  };

  const label = (key) => ctx.labels[key] || key;

  function set(path, value) {
    let target = holder.value;
    for (const part of path.slice(0, -1)) target = target[part];
    target[path[path.length - 1]] = value;
    ctx.onChange();
  }

  function objectFields(schema, value, path) {
    return Object.entries(schema.properties || {}).map(([key, sub]) =>
      field(key, sub, value[key], [...path, key]),
    );
  }

  function field(key, rawSchema, value, path) {
    const schema = resolve(rawSchema);
    const loc = locOf(ctx.base, path);
    const inner = optionalInner(schema, resolve);
    if (key.endsWith("_from")) return fromField(key, value, path, loc);
    if (inner && inner.type === "object") return optionalObject(key, inner, value, path, loc);
    if (inner) return field(key, inner, value, path);
    if (schema.enum) return enumField(key, schema, value, path, loc);
    if (schema.type === "boolean") {
      const id = uid("de-f");
      return h("div", { class: "field de-check", "data-field": loc },
        h("input", { id, type: "checkbox", "data-loc": loc, checked: value === true,
          disabled: ctx.disabled, onChange: (e) => set(path, e.target.checked) }),
        h("label", { for: id, text: label(key) }));
    }
    if (schema.type === "integer") {
      return input(key, loc, {
        type: "number", min: schema.minimum, max: schema.maximum, step: 1,
        value: value ?? "", inputmode: "numeric",
      }, (raw) => set(path, raw === "" ? null : Number(raw)));
    }
    if (schema.type === "object") {
      return h("fieldset", { class: "fieldset de-object", "data-loc": loc, "data-field": loc },
        h("legend", { text: label(key) }), ...objectFields(schema, value || {}, path));
    }
    if (schema.type === "array") return listField(key, schema, value || [], path, loc);
    return input(key, loc, {
      type: "text", maxlength: schema.maxLength, value: value ?? "",
    }, (raw) => set(path, raw));
  }

  function input(key, loc, attrs, onValue) {
    const id = uid("de-f");
    return h("div", { class: "field", "data-field": loc },
      h("label", { for: id, text: label(key) }),
      h("input", { id, "data-loc": loc, disabled: ctx.disabled, ...attrs,
        onInput: (e) => onValue(e.target.value) }));
  }

  function enumField(key, schema, value, path, loc) {
    const id = uid("de-f");
    return h("div", { class: "field", "data-field": loc },
      h("label", { for: id, text: label(key) }),
      h("select", { id, "data-loc": loc, disabled: ctx.disabled,
        onChange: (e) => set(path, e.target.value) },
        schema.enum.map((option) =>
          h("option", { value: option, selected: option === value, text: option }))));
  }

  function fromField(key, value, path, loc) {
    // `*_from` names an earlier step of the déroulé: offer them
    const id = uid("de-f");
    const options = ["", ...ctx.earlierSteps];
    if (value && !options.includes(value)) options.push(value);
    return h("div", { class: "field", "data-field": loc },
      h("label", { for: id, text: label(key) }),
      h("select", { id, "data-loc": loc, disabled: ctx.disabled,
        onChange: (e) => set(path, e.target.value || null) },
        options.map((option) => h("option", {
          value: option, selected: option === (value || ""),
          text: option || "— aucune —",
        }))));
  }

  function optionalObject(key, inner, value, path, loc) {
    const id = uid("de-f");
    const box = h("fieldset", { class: "fieldset de-object", "data-loc": loc, "data-field": loc },
      h("legend", {},
        h("input", { id, type: "checkbox", checked: value != null, disabled: ctx.disabled,
          "aria-describedby": null,
          onChange: (e) => { set(path, e.target.checked ? sample(inner, resolve) : null); render(); } }),
        " ", h("label", { for: id, text: label(key) })));
    if (value != null) box.append(...objectFields(inner, value, path));
    return box;
  }

  function listField(key, schema, items, path, loc) {
    const itemSchema = resolve(schema.items || {});
    const max = schema.maxItems ?? 50;
    const min = schema.minItems ?? 0;
    const box = h("fieldset", { class: "fieldset de-list", "data-loc": loc, "data-field": loc },
      h("legend", { text: `${label(key)} (${items.length})` }));
    items.forEach((item, index) => {
      const row = h("fieldset", { class: "fieldset de-row", "data-loc": `${loc}[${index}]`,
        "data-field": `${loc}[${index}]` },
        h("legend", { text: `${label(key)} — ${index + 1}` }));
      if (itemSchema.type === "object") row.append(...objectFields(itemSchema, item, [...path, index]));
      else row.append(field(String(index), itemSchema, item, [...path, index]));
      if (!ctx.disabled) {
        const move = (to) => () => {
          const list = items.slice();
          [list[index], list[to]] = [list[to], list[index]];
          set(path, list);
          render();
        };
        row.append(h("div", { class: "button-row de-row__tools" },
          h("button", { type: "button", class: "btn btn-small", disabled: index === 0,
            "aria-label": `Monter l'élément ${index + 1}`, onClick: move(index - 1) }, "↑"),
          h("button", { type: "button", class: "btn btn-small", disabled: index === items.length - 1,
            "aria-label": `Descendre l'élément ${index + 1}`, onClick: move(index + 1) }, "↓"),
          h("button", { type: "button", class: "btn btn-small btn-danger-outline",
            disabled: items.length <= min, "aria-label": `Retirer l'élément ${index + 1}`,
            onClick: () => { set(path, items.filter((_, i) => i !== index)); render(); } }, "Retirer")));
      }
      box.append(row);
    });
    if (!ctx.disabled) {
      box.append(h("button", { type: "button", class: "btn btn-small", disabled: items.length >= max,
        onClick: () => {
          const item = sample(itemSchema, resolve);
          if (item && typeof item === "object" && item.id === "") item.id = `${key}-${items.length + 1}`.replace(/_/g, "-");
          set(path, [...items, item]);
          render();
        } },
      `Ajouter (${label(key).toLowerCase()})`));
    }
    return box;
  }

  render();
  return wrap;
}
