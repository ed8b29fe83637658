// Every reference page: the sidebar's toggle on narrow screens, the "/" shortcut to the search,
// and on the index the finder (search box, method and resource filters, a count announced to
// screen readers), all from the page itself: no network.
(function () {
  "use strict";

  var sidebar = document.getElementById("sidebar");
  var toggle = sidebar && sidebar.querySelector(".sidebar-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = !sidebar.classList.contains("open");
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  var search = document.getElementById("search");

  function typingInField(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typingInField(event.target)) {
      return;
    }
    event.preventDefault();
    if (search) {
      search.focus();
      search.select();
      return;
    }
    var link = document.querySelector(".sidebar-search a");
    if (link) {
      window.location.href = link.href; // the index, whose search takes the focus
    }
  });

  // an operation page says it is ready once its form is built (below); any other page now
  function ready() {
    if (!document.getElementById("operation-data")) {
      document.body.setAttribute("data-ready", "true");
    }
  }

  if (!search) {
    ready();
    return;
  }
  var methodFilter = document.getElementById("filter-method");
  var groupFilter = document.getElementById("filter-group");
  var count = document.getElementById("search-count");
  var none = document.getElementById("search-none");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.group"));
  var rows = [];
  sections.forEach(function (section) {
    // operations (with their method) and, in the Models section, models (with none)
    Array.prototype.forEach.call(section.querySelectorAll(".operations > li, .models > li"), function (li) {
      rows.push({
        li: li,
        group: section.id,
        method: li.getAttribute("data-method"),
        model: !li.hasAttribute("data-method"),
        // method, path, title, Python call and operation ID, or a model's name, as shown
        text: li.textContent.toLowerCase()
      });
    });
  });
  var totals = { operations: 0, models: 0 };
  rows.forEach(function (row) {
    totals[row.model ? "models" : "operations"] += 1;
  });

  function counted(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var method = methodFilter.value;
    var group = groupFilter.value;
    var shown = { operations: 0, models: 0 };
    rows.forEach(function (row) {
      var match =
        (!method || row.method === method) &&
        (!group || row.group === group) &&
        words.every(function (word) { return row.text.indexOf(word) !== -1; });
      row.li.hidden = !match;
      if (match) {
        shown[row.model ? "models" : "operations"] += 1;
      }
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("li:not([hidden])");
    });
    var filtered = words.length || method || group;
    var text = filtered
      ? shown.operations + " of " + counted(totals.operations, "operation") + " match"
      : counted(totals.operations, "operation");
    if (totals.models && words.length && !method && !group) {
      text += ", and " + shown.models + " of " + counted(totals.models, "model");
    }
    count.textContent = text;
    none.hidden = shown.operations + shown.models !== 0;
  }

  search.addEventListener("input", apply);
  methodFilter.addEventListener("change", apply);
  groupFilter.addEventListener("change", apply);
  if (window.location.hash === "#search") {
    search.focus();
  }
  window.addEventListener("hashchange", function () {
    if (window.location.hash === "#search") {
      search.focus();
    }
  });
  apply();
  ready();
})();

// The "Try it" panel of an operation page: builds the form from the JSON request description
// in #operation-data, keeps the Python and curl snippets in step with it, encodes the request
// the way the generated client does (card[number]=..., metadata[k]=v, expand[0]=...) and sends
// it to the gateway. No secret key is ever asked for, stored or sent: the gateway adds it.
(function () {
  "use strict";

  var SETTINGS = readJson("reference-settings") || {};
  var STORAGE_KEY = SETTINGS.storageKey;
  var DEFAULT_GATEWAY = SETTINGS.defaultGateway;
  var MAX_FORM_DEPTH = SETTINGS.maxFormDepth; // describe.REFERENCE_DEPTH, the field tree's depth
  var STATUS_PATH = SETTINGS.statusPath; // gateway_api.STATUS_PATH: what key the gateway holds
  var ACCOUNT_SHAPE = new RegExp("^(?:" + SETTINGS.accountPattern + ")$"); // gateway_api.ACCOUNT_PATTERN
  var ACCOUNT_OPTION = SETTINGS.accountOption; // the Python client's per-call option
  var SEND_HINT = "Enter a gateway URL above to enable sending.";
  var START_GATEWAY = "STRIPE_API_KEY=sk_test_... codegen gateway";

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    return JSON.parse(element.textContent);
  }

  // --- small DOM helpers ---------------------------------------------------------------------

  var idCounter = 0;

  function nextId(prefix) {
    idCounter += 1;
    return prefix + "-" + idCounter;
  }

  function h(tag, attributes, children) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === undefined || value === null || value === false) {
        return;
      }
      if (name === "text") {
        element.textContent = value;
      } else if (name === "className") {
        element.className = value;
      } else {
        element.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) {
        return;
      }
      element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return element;
  }

  function clear(element) {
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
  }

  // --- the gateway URL -----------------------------------------------------------------------

  function storageGet() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null;
    }
  }

  function storageSet(value) {
    try {
      window.localStorage.setItem(STORAGE_KEY, value);
    } catch (error) {
      // storage disabled: the field still works for this visit
    }
  }

  function storageRemove() {
    try {
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // storage disabled: nothing saved
    }
  }

  function defaultGateway() {
    var origin = window.location.origin;
    if (/^https?:\/\//.test(origin)) {
      return origin;
    }
    return DEFAULT_GATEWAY;
  }

  // {base} for a usable gateway URL, else {error} (and empty: true when nothing is entered).
  function gatewayBase(text) {
    var value = (text || "").trim();
    var url;
    if (value === "") {
      return { error: SEND_HINT, empty: true };
    }
    try {
      url = new URL(value);
    } catch (error) {
      return { error: "The gateway URL " + JSON.stringify(value) + " is not a URL, e.g. " + DEFAULT_GATEWAY + "." };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return { error: "The gateway URL must start with http:// or https://." };
    }
    if (url.username || url.password) {
      return { error: "The gateway URL must not contain a user name or password: credentials belong on the gateway." };
    }
    if (url.search || url.hash) {
      return { error: "The gateway URL must not have a query string or fragment." };
    }
    return { base: url.origin + url.pathname.replace(/\/+$/, "") };
  }

  // --- encoding, as in the generated client's _encoding.py -------------------------------------

  function percent(character) {
    return "%" + character.charCodeAt(0).toString(16).toUpperCase();
  }

  // Python's quote_plus(text, safe="[]"): brackets stay literal, space becomes "+".
  function quotePlus(text) {
    return encodeURIComponent(text)
      .replace(/[!'()*]/g, percent)
      .replace(/%20/g, "+")
      .replace(/%5B/g, "[")
      .replace(/%5D/g, "]");
  }

  // Python's quote(value, safe=""), and the dot segments encoded too (quote_path).
  function quotePath(text) {
    if (text === "." || text === "..") {
      return text.replace(/\./g, "%2E");
    }
    return encodeURIComponent(text).replace(/[!'()*]/g, percent);
  }

  function scalarText(value) {
    if (value.t === "bool") {
      return value.v ? "true" : "false";
    }
    return String(value.v);
  }

  function encodeDeep(key, value, pairs) {
    if (value === undefined) {
      return;
    }
    if (value.t === "obj") {
      value.fields.forEach(function (entry) {
        encodeDeep(key + "[" + entry.name + "]", entry.value, pairs);
      });
    } else if (value.t === "map") {
      value.entries.forEach(function (entry) {
        encodeDeep(key + "[" + entry[0] + "]", entry[1], pairs);
      });
    } else if (value.t === "list") {
      var index = 0;
      value.items.forEach(function (item) {
        var before = pairs.length;
        encodeDeep(key + "[" + index + "]", item, pairs);
        if (pairs.length > before) {
          index += 1;
        }
      });
    } else {
      pairs.push([key, scalarText(value)]);
    }
  }

  function encodeForm(key, value, pairs) {
    if (value === undefined) {
      return;
    }
    if (value.t === "obj") {
      value.fields.forEach(function (entry) {
        encodeDeep(entry.name, entry.value, pairs);
      });
    } else if (value.t === "map") {
      value.entries.forEach(function (entry) {
        encodeDeep(entry[0], entry[1], pairs);
      });
    } else if (value.t === "list") {
      if (value.items.some(isNested)) {
        encodeDeep(key, value, pairs); // form has no spelling for these (as the client)
        return;
      }
      value.items.forEach(function (item) {
        if (item !== undefined) {
          pairs.push([key, scalarText(item)]);
        }
      });
    } else {
      pairs.push([key, scalarText(value)]);
    }
  }

  function isNested(value) {
    return value !== undefined && (value.t === "obj" || value.t === "map" || value.t === "list");
  }

  function nestedValues(value) {
    if (value.t === "obj") {
      return value.fields.map(function (entry) { return entry.value; });
    }
    if (value.t === "map") {
      return value.entries.map(function (entry) { return entry[1]; });
    }
    return value.t === "list" ? value.items : [];
  }

  // form with explode: false: one pair, items joined by literal commas (each item encoded on
  // its own, so a comma inside one stays %2C); the third element is the encoded value.
  function encodeFormUnexploded(key, value, pairs) {
    if (value === undefined) {
      return;
    }
    if (nestedValues(value).some(isNested)) {
      encodeDeep(key, value, pairs); // a comma list has no spelling for these (as the client)
      return;
    }
    var items = [];
    if (value.t === "obj") {
      value.fields.forEach(function (entry) {
        if (entry.value !== undefined) {
          items.push(entry.name, scalarText(entry.value));
        }
      });
    } else if (value.t === "map") {
      value.entries.forEach(function (entry) {
        if (entry[1] !== undefined) {
          items.push(entry[0], scalarText(entry[1]));
        }
      });
    } else if (value.t === "list") {
      value.items.forEach(function (item) {
        if (item !== undefined) {
          items.push(scalarText(item));
        }
      });
    } else {
      pairs.push([key, scalarText(value)]);
      return;
    }
    if (items.length) {
      pairs.push([key, items.join(","), items.map(quotePlus).join(",")]);
    }
  }

  function encodePayload(payload, values) {
    var pairs = [];
    values.forEach(function (entry) {
      var style = payload.styles[entry.name] || "deepObject";
      if (style === "form") {
        encodeForm(entry.name, entry.value, pairs);
      } else if (style === "formUnexploded") {
        encodeFormUnexploded(entry.name, entry.value, pairs);
      } else {
        encodeDeep(entry.name, entry.value, pairs);
      }
    });
    return pairs;
  }

  function quotePair(pair) {
    return quotePlus(pair[0]) + "=" + (pair.length > 2 ? pair[2] : quotePlus(pair[1]));
  }

  function urlencodePairs(pairs) {
    return pairs.map(quotePair).join("&");
  }

  // --- form widgets ----------------------------------------------------------------------------
  // A widget is {element, read(issues, path)}; read returns a tagged value or undefined:
  // {t: "str"|"int"|"num"|"bool"|"file", v}, {t: "obj", model, fields: [{name, python, value}]},
  // {t: "map", entries: [[key, value]]}, {t: "list", items: [...]}.

  function fieldPath(path, name) {
    return path ? path + "[" + name + "]" : name;
  }

  function checkString(text, constraints, issues, path) {
    if (!constraints) {
      return;
    }
    if (constraints.max_length !== undefined && text.length > constraints.max_length) {
      issues.push(path + ": at most " + constraints.max_length + " characters");
    }
    if (constraints.min_length !== undefined && text.length < constraints.min_length) {
      issues.push(path + ": at least " + constraints.min_length + " characters");
    }
    if (constraints.pattern !== undefined) {
      try {
        if (!new RegExp(constraints.pattern).test(text)) {
          issues.push(path + ": must match " + constraints.pattern);
        }
      } catch (error) {
        // a pattern JavaScript cannot read: the server checks it
      }
    }
  }

  function checkNumber(number, constraints, issues, path) {
    if (!constraints) {
      return;
    }
    if (constraints.ge !== undefined && number < constraints.ge) {
      issues.push(path + ": at least " + constraints.ge);
    }
    if (constraints.le !== undefined && number > constraints.le) {
      issues.push(path + ": at most " + constraints.le);
    }
    if (constraints.gt !== undefined && number <= constraints.gt) {
      issues.push(path + ": more than " + constraints.gt);
    }
    if (constraints.lt !== undefined && number >= constraints.lt) {
      issues.push(path + ": less than " + constraints.lt);
    }
  }

  function textWidget(node, options) {
    var kind = node.kind;
    var attributes = {
      type: kind === "file" ? "file" : "text",
      id: options.id,
      name: options.path,
      "data-path": options.path,
      spellcheck: "false",
      placeholder: options.placeholder || (kind === "integer" ? "integer" : kind === "number" ? "number" : ""),
      inputmode: kind === "integer" ? "numeric" : kind === "number" ? "decimal" : undefined,
      "aria-label": options.ariaLabel,
    };
    var input = h("input", attributes);
    return {
      element: input,
      read: function (issues, path) {
        if (kind === "file") {
          var file = input.files && input.files[0];
          return file ? { t: "file", v: file } : undefined;
        }
        var text = input.value;
        if (text === "") {
          return options.keepEmpty ? { t: "str", v: "" } : undefined;
        }
        if (kind === "integer") {
          if (!/^-?\d+$/.test(text.trim())) {
            issues.push(path + ": " + JSON.stringify(text) + " is not an integer");
            return undefined;
          }
          var integer = text.trim().replace(/^(-?)0+(?=\d)/, "$1");
          checkNumber(Number(integer), node.constraints, issues, path);
          return { t: "int", v: integer };
        }
        if (kind === "number") {
          if (!/^-?(\d+\.?\d*|\.\d+)$/.test(text.trim())) {
            issues.push(path + ": " + JSON.stringify(text) + " is not a number in plain decimal notation");
            return undefined;
          }
          var number = text.trim().replace(/^(-?)0+(?=\d)/, "$1").replace(/^(-?)\./, "$10.").replace(/\.$/, "");
          checkNumber(Number(number), node.constraints, issues, path);
          return { t: "num", v: number };
        }
        checkString(text, node.constraints, issues, path);
        return { t: "str", v: text };
      },
    };
  }

  function enumLabel(value) {
    if (value === "") {
      return '"" (empty string: unset)';
    }
    return String(value);
  }

  function selectWidget(values, options) {
    var select = h("select", { id: options.id, name: options.path, "data-path": options.path, "aria-label": options.ariaLabel }, [
      h("option", { value: "", text: options.required ? "— choose —" : "— not set —" }),
    ]);
    values.forEach(function (value, index) {
      select.appendChild(h("option", { value: "v" + index, text: enumLabel(value) }));
    });
    return {
      element: select,
      read: function () {
        if (select.value === "") {
          return undefined;
        }
        var value = values[Number(select.value.slice(1))];
        if (typeof value === "boolean") {
          return { t: "bool", v: value };
        }
        if (typeof value === "number") {
          return { t: Number.isInteger(value) ? "int" : "num", v: String(value) };
        }
        return { t: "str", v: value };
      },
    };
  }

  function booleanWidget(options) {
    return selectWidget([true, false], options);
  }

  function objectWidget(modelName, options, depth) {
    var model = DATA.models[modelName] || { fields: [], open: true, module: "models" };
    var container = h("div", { className: "object", "data-object": options.path, "data-model": modelName });
    var children = [];
    if (depth > MAX_FORM_DEPTH) {
      container.appendChild(h("p", { className: "hint", text: "Nested too deeply for this form; use the Python client." }));
    }
    if (model.fields.length === 0 && depth <= MAX_FORM_DEPTH) {
      // an object of unknown shape: free-form keys, like metadata
      var free = mapWidget({ kind: "string" }, options, depth);
      container.appendChild(free.element);
      return {
        element: container,
        read: function (issues, path) {
          var value = free.read(issues, path);
          return value && { t: "obj", model: modelName, open: true, fields: value.entries.map(function (entry) {
            return { name: entry[0], python: entry[0], value: entry[1] };
          }) };
        },
      };
    }
    if (depth <= MAX_FORM_DEPTH) {
      model.fields.forEach(function (field) {
        var row = fieldRow(field, options.path, depth + 1);
        children.push({ field: field, row: row });
        container.appendChild(row.element);
      });
    }
    return {
      element: container,
      read: function (issues, path) {
        var nested = [];
        var fields = [];
        children.forEach(function (child) {
          var childPath = fieldPath(path, child.field.name);
          var value = child.row.widget.read(nested, childPath);
          if (value !== undefined) {
            fields.push({ name: child.field.name, python: child.field.python, value: value });
          }
        });
        if (fields.length === 0 && nested.length === 0) {
          return undefined;
        }
        children.forEach(function (child) {
          if (child.field.required && !fields.some(function (f) { return f.name === child.field.name; })) {
            nested.push(fieldPath(path, child.field.name) + ": required");
          }
        });
        nested.forEach(function (issue) { issues.push(issue); });
        return { t: "obj", model: modelName, fields: fields };
      },
    };
  }

  function listWidget(node, options, depth) {
    var container = h("div", { className: "list", "data-list": options.path });
    var items = h("div", { className: "items" });
    var entries = [];
    var name = controlName(options.path);
    var add = h("button", { type: "button", className: "add", "data-add": options.path, text: "Add " + name + " item" });
    container.appendChild(items);
    container.appendChild(add);
    add.addEventListener("click", function () {
      var itemPath = options.path + "[]";
      var number = entries.length + 1;
      var widget = widgetFor(
        node.item,
        { id: nextId("f"), path: itemPath, required: false, ariaLabel: name + " item " + number },
        depth + 1
      );
      var remove = h("button", { type: "button", className: "remove", title: "Remove this item", "aria-label": "Remove " + name + " item " + number, text: "×" });
      var row = h("div", { className: "item" }, [widget.element, remove]);
      var entry = { widget: widget, row: row };
      entries.push(entry);
      items.appendChild(row);
      remove.addEventListener("click", function () {
        entries.splice(entries.indexOf(entry), 1);
        items.removeChild(row);
        changed();
      });
      var focusable = row.querySelector("input, select");
      if (focusable) {
        focusable.focus();
      }
      changed();
    });
    return {
      element: container,
      read: function (issues, path) {
        var values = [];
        entries.forEach(function (entry) {
          var value = entry.widget.read(issues, path + "[" + values.length + "]");
          if (value !== undefined) {
            values.push(value);
          }
        });
        return values.length ? { t: "list", items: values } : undefined;
      },
    };
  }

  function mapWidget(node, options, depth) {
    var container = h("div", { className: "map", "data-map": options.path });
    var rows = h("div", { className: "pairs" });
    var entries = [];
    var name = controlName(options.path);
    var add = h("button", { type: "button", className: "add", "data-add": options.path, text: "Add " + name + " entry" });
    container.appendChild(rows);
    container.appendChild(add);
    add.addEventListener("click", function () {
      var number = entries.length + 1;
      var key = h("input", { type: "text", className: "map-key", placeholder: "key", spellcheck: "false", "aria-label": name + " entry " + number + " key" });
      var widget = widgetFor(
        node.value,
        { id: nextId("f"), path: options.path + "[]", keepEmpty: true, placeholder: "value", ariaLabel: name + " entry " + number + " value" },
        depth + 1
      );
      var remove = h("button", { type: "button", className: "remove", title: "Remove this entry", "aria-label": "Remove " + name + " entry " + number, text: "×" });
      widget.element.classList.add("map-value");
      var row = h("div", { className: "pair" }, [key, widget.element, remove]);
      var entry = { key: key, widget: widget, row: row };
      entries.push(entry);
      rows.appendChild(row);
      remove.addEventListener("click", function () {
        entries.splice(entries.indexOf(entry), 1);
        rows.removeChild(row);
        changed();
      });
      key.focus();
      changed();
    });
    return {
      element: container,
      read: function (issues, path) {
        var pairs = [];
        entries.forEach(function (entry) {
          var name = entry.key.value;
          if (name === "") {
            return;
          }
          var value = entry.widget.read(issues, path + "[" + name + "]");
          if (value !== undefined) {
            pairs.push([name, value]);
          }
        });
        return pairs.length ? { t: "map", entries: pairs } : undefined;
      },
    };
  }

  function unionWidget(node, options, depth) {
    var container = h("div", { className: "union", "data-union": options.path });
    var select = h("select", { id: options.id, className: "choice", "data-choice": options.path }, [
      h("option", { value: "", text: options.required ? "— choose —" : "— not set —" }),
    ]);
    node.choices.forEach(function (choice) {
      select.appendChild(h("option", { value: choice.key, text: choice.label }));
    });
    var slot = h("div", { className: "choice-body" });
    container.appendChild(select);
    container.appendChild(slot);
    var current = null;
    select.addEventListener("change", function () {
      clear(slot);
      current = null;
      var choice = node.choices.filter(function (c) { return c.key === select.value; })[0];
      if (!choice) {
        return;
      }
      var type = choice.type;
      if (type.kind === "enum" && type.values.length === 1 && type.values[0] === "") {
        current = { read: function () { return { t: "str", v: "" }; } };
        slot.appendChild(h("p", { className: "hint", text: "Sends an empty value, which unsets the field." }));
        return;
      }
      current = widgetFor(
        type,
        { id: nextId("f"), path: options.path, required: options.required, ariaLabel: controlName(options.path) + " (" + choice.label + ")" },
        depth
      );
      slot.appendChild(current.element);
    });
    return {
      element: container,
      read: function (issues, path) {
        return current ? current.read(issues, path) : undefined;
      },
    };
  }

  function widgetFor(node, options, depth) {
    switch (node.kind) {
      case "enum":
        return selectWidget(node.values, options);
      case "boolean":
        return booleanWidget(options);
      case "object":
        return objectWidget(node.model, options, depth);
      case "array":
        return listWidget(node, options, depth);
      case "map":
        return mapWidget(node, options, depth);
      case "union":
        return unionWidget(node, options, depth);
      default:
        return textWidget(node, options);
    }
  }

  function fieldRow(field, parentPath, depth) {
    var path = fieldPath(parentPath, field.name);
    var id = nextId("f");
    var widget = widgetFor(field.type, { id: id, path: path, required: field.required, placeholder: field.placeholder }, depth);
    var nestedObject = field.type.kind === "object";
    var label = h(nestedObject ? "span" : "label", { className: "field-label", "for": nestedObject ? undefined : id }, [
      h("code", { text: field.name }),
      " ",
      h("span", { className: "field-type", text: field.label }),
      field.required ? h("span", { className: "badge badge-required", text: "required" }) : null,
    ]);
    var help = helpFor(field, path);
    if (help && !nestedObject) {
      var described = widget.element.matches("input, select") ? widget.element : widget.element.querySelector("select");
      if (described) {
        described.setAttribute("aria-describedby", help.id);
      }
    }
    var element;
    // The control first, then its help: Tab goes from field to field, not through help links.
    if (nestedObject) {
      element = h("fieldset", { className: "field nested", "data-field": path }, [
        h("legend", {}, [label]),
        help && help.box,
        widget.element,
      ]);
    } else {
      element = h("div", { className: "field", "data-field": path }, [label, widget.element, help && help.box]);
    }
    return { element: element, widget: widget };
  }

  // A control's name for people: the field's path ("card[metadata]"), as the snippets spell it.
  function controlName(path) {
    return path.replace(/\[\]$/, "");
  }

  var LONG_HELP = 180; // characters: longer help shows its first lines and a "More" button

  function helpFor(field, path) {
    if (!field.description_html) {
      return null;
    }
    var id = nextId("help");
    var help = h("div", { className: "help", id: id });
    // Rendered by markdown-it with raw HTML disabled when the page was generated.
    help.innerHTML = field.description_html;
    // Its links are the reference's (on the left, in the tab order there): here Tab goes from
    // control to control; the links stay clickable.
    Array.prototype.forEach.call(help.querySelectorAll("a"), function (link) {
      link.tabIndex = -1;
    });
    if (help.textContent.length <= LONG_HELP && help.children.length <= 1) {
      return { id: id, box: help };
    }
    help.classList.add("help-long");
    var more = h("button", {
      type: "button",
      className: "more",
      "aria-expanded": "false",
      "aria-controls": id,
      "aria-label": "More about " + controlName(path),
      text: "More",
    });
    more.addEventListener("click", function () {
      var open = !help.classList.contains("help-open");
      help.classList.toggle("help-open", open);
      more.setAttribute("aria-expanded", open ? "true" : "false");
      more.setAttribute("aria-label", (open ? "Less about " : "More about ") + controlName(path));
      more.textContent = open ? "Less" : "More";
    });
    return { id: id, box: h("div", { className: "help-box" }, [help, more]) };
  }

  // --- Python and curl snippets -------------------------------------------------------------------

  function pyString(text) {
    // JSON string syntax is valid Python string syntax.
    return JSON.stringify(text);
  }

  function pyValue(value, indent) {
    var inner = indent + "    ";
    switch (value.t) {
      case "str":
        return pyString(value.v);
      case "int":
      case "num":
        return value.v;
      case "bool":
        return value.v ? "True" : "False";
      case "file":
        return "open(" + pyString(value.v.name) + ", \"rb\").read()";
      case "obj":
        // Parameters are plain data: nested objects are dicts keyed by wire names.
        return pyDict(value.fields.map(function (f) { return [f.name, f.value]; }), indent);
      case "map":
        return pyDict(value.entries, indent);
      case "list": {
        var items = value.items.map(function (item) { return pyValue(item, inner); });
        var flat = "[" + items.join(", ") + "]";
        if (flat.length <= 60 && flat.indexOf("\n") === -1) {
          return flat;
        }
        return "[\n" + items.map(function (item) { return inner + item + ",\n"; }).join("") + indent + "]";
      }
      default:
        return "None";
    }
  }

  function pyDict(entries, indent) {
    var inner = indent + "    ";
    var items = entries.map(function (entry) {
      return pyString(entry[0]) + ": " + pyValue(entry[1], inner);
    });
    var flat = "{" + items.join(", ") + "}";
    if (flat.length <= 60 && flat.indexOf("\n") === -1) {
      return flat;
    }
    return "{\n" + items.map(function (item) { return inner + item + ",\n"; }).join("") + indent + "}";
  }

  function pythonSnippet(state) {
    var indent = "        ";
    var args = state.pathValues.map(function (entry) {
      return indent + pyString(entry.value === "" ? entry.placeholder : entry.value) + ",\n";
    });
    state.payloadValues.forEach(function (entry) {
      args.push(indent + entry.python + "=" + pyValue(entry.value, indent) + ",\n");
    });
    if (state.account) {
      args.push(indent + ACCOUNT_OPTION + "=" + pyString(state.account) + ",\n");
    }
    var lines = ["import os", ""];
    lines.push("from " + DATA.package + " import Client");
    lines.push("");
    lines.push('with Client(api_key=os.environ["STRIPE_API_KEY"]) as client:');
    var call = "client." + DATA.call;
    if (args.length === 0) {
      lines.push("    result = " + call + "()");
    } else {
      lines.push("    result = " + call + "(\n" + args.join("") + "    )");
    }
    lines.push("    print(result)");
    return lines.join("\n") + "\n";
  }

  // One shell word, whatever the text: single quotes, each ' written as '\'' (POSIX sh, bash).
  function shellQuote(text) {
    return "'" + String(text).replace(/'/g, "'\\''") + "'";
  }

  function curlSnippet(request, state) {
    var method = DATA.method;
    var head = ["curl"];
    var data = [];
    var url = request.url;
    if (method === "GET") {
      if (request.queryPairs.length) {
        head.push("-G");
      }
      data = request.queryPairs.map(function (pair) {
        return "-d " + shellQuote(quotePair(pair));
      });
    } else {
      if (request.queryPairs.length) {
        head.push("-g");
        url = request.fetchUrl;
      }
      data = request.pairs.map(function (pair) {
        if (request.multipart) {
          var value = pair[1];
          if (value && value.t === "file") {
            return "-F " + shellQuote(pair[0] + "=@" + value.v.name);
          }
          // --form-string: a value starting with @ or < is text, not a file to read
          return "--form-string " + shellQuote(pair[0] + "=" + value);
        }
        return "-d " + shellQuote(quotePair(pair));
      });
      if (!(method === "POST" && data.length)) {
        head.push("-X " + method);
      }
    }
    if (/[[\]{}]/.test(url) && head.indexOf("-g") === -1) {
      head.push("-g"); // curl's own URL globbing off: brackets of an IPv6 gateway, braces
    }
    head.push(shellQuote(url));
    var lines = [head.join(" ")];
    if (method === "POST") {
      lines.push("  -H " + shellQuote("Idempotency-Key: <a unique key>"));
    }
    if (state.account) {
      lines.push("  -H " + shellQuote("Stripe-Account: " + state.account));
    }
    data.forEach(function (line) {
      lines.push("  " + line);
    });
    return "# The gateway adds the API key: no credentials here.\n" + lines.join(" \\\n") + "\n";
  }

  // --- reading the form and building the request --------------------------------------------------

  var DATA = readJson("operation-data");
  var form = document.getElementById("try-form");
  var gatewayInput = document.getElementById("gateway-url");
  var accountInput = document.getElementById("stripe-account");
  if (!DATA || !form || !gatewayInput) {
    return;
  }

  var pathRows = [];
  var payloadRows = [];

  function section(title, rows) {
    if (!rows.length) {
      return;
    }
    var box = h("div", { className: "form-section" }, [h("h3", { text: title })]);
    rows.forEach(function (row) { box.appendChild(row.element); });
    form.appendChild(box);
  }

  function buildForm() {
    clear(form);
    pathRows = DATA.path_params.map(function (param) {
      return { field: param, row: fieldRow(param, "", 1) };
    });
    payloadRows = [];
    ["query", "body"].forEach(function (kind) {
      var payload = DATA[kind];
      if (!payload) {
        return;
      }
      payload.fields.forEach(function (field) {
        payloadRows.push({ kind: kind, field: field, row: fieldRow(field, "", 1) });
      });
    });
    section("Path parameters", pathRows.map(function (p) { return p.row; }));
    section("Query parameters", payloadRows.filter(function (p) { return p.kind === "query"; }).map(function (p) { return p.row; }));
    section(
      "Body parameters",
      payloadRows.filter(function (p) { return p.kind === "body"; }).map(function (p) { return p.row; })
    );
    if (!pathRows.length && !payloadRows.length) {
      form.appendChild(h("p", { className: "hint", text: "This operation takes no parameters." }));
    }
  }

  function readState() {
    var issues = [];
    var pathValues = pathRows.map(function (entry) {
      var value = entry.row.widget.read(issues, entry.field.name);
      if (value === undefined) {
        issues.push(entry.field.name + ": required (path parameter)");
      }
      return { name: entry.field.name, placeholder: entry.field.placeholder, value: value ? scalarText(value) : "" };
    });
    var payloadValues = [];
    payloadRows.forEach(function (entry) {
      var value = entry.row.widget.read(issues, entry.field.name);
      if (value === undefined) {
        if (entry.field.required) {
          issues.push(entry.field.name + ": required");
        }
        return;
      }
      payloadValues.push({ kind: entry.kind, name: entry.field.name, python: entry.field.python, value: value });
    });
    var account = accountInput ? accountInput.value.trim() : "";
    if (account && !ACCOUNT_SHAPE.test(account)) {
      issues.push("Stripe-Account: " + JSON.stringify(account) + " is not a connected account ID (acct_ and letters and digits)");
    }
    return { issues: issues, pathValues: pathValues, payloadValues: payloadValues, account: account };
  }

  function buildRequest(state, base) {
    var path = DATA.path;
    state.pathValues.forEach(function (entry) {
      var text = quotePath(entry.value === "" ? entry.placeholder : entry.value);
      path = path.split("{" + entry.name + "}").join(text);
    });
    var query = state.payloadValues.filter(function (v) { return v.kind === "query"; });
    var body = state.payloadValues.filter(function (v) { return v.kind === "body"; });
    var request = { url: base + path, queryPairs: [], pairs: [], body: null, multipart: false };
    if (DATA.query) {
      request.queryPairs = encodePayload(DATA.query, query);
    }
    request.fetchUrl = request.url + (request.queryPairs.length ? "?" + urlencodePairs(request.queryPairs) : "");
    if (DATA.body) {
      if (DATA.body.media_type === "multipart/form-data") {
        request.multipart = true;
        request.pairs = multipartPairs(body);
        request.body = request.pairs;
      } else {
        request.pairs = encodePayload(DATA.body, body);
        request.body = urlencodePairs(request.pairs);
      }
    }
    return request;
  }

  function multipartPairs(values) {
    var pairs = [];
    values.forEach(function (entry) {
      if (entry.value.t === "file") {
        pairs.push([entry.name, entry.value]);
        return;
      }
      var encoded = [];
      encodeDeep(entry.name, entry.value, encoded);
      encoded.forEach(function (pair) { pairs.push(pair); });
    });
    return pairs;
  }

  // --- updating the page ------------------------------------------------------------------------

  var issuesBox = document.getElementById("issues");
  var pythonBox = document.querySelector("#snippet-python code");
  var curlBox = document.querySelector("#snippet-curl code");
  var lastState = null;

  function showIssues(issues, gatewayError) {
    clear(issuesBox);
    var all = (gatewayError ? [gatewayError] : []).concat(issues);
    if (!all.length) {
      return;
    }
    issuesBox.appendChild(h("p", { text: "To fix before sending:" }));
    issuesBox.appendChild(h("ul", {}, all.map(function (issue) { return h("li", { text: issue }); })));
  }

  // Why Send is disabled ("" when it is not): no usable gateway, or a path parameter empty.
  function sendBlocker(state, gateway) {
    if (gateway.error) {
      return SEND_HINT;
    }
    var missing = state.pathValues.filter(function (entry) { return entry.value === ""; }).map(function (entry) {
      return entry.name;
    });
    if (missing.length) {
      return "Fill in the path parameter" + (missing.length > 1 ? "s " : " ") + missing.join(", ") + " to enable sending.";
    }
    return "";
  }

  var sending = false;

  function updateSend() {
    var blocker = lastState ? sendBlocker(lastState.state, lastState.gateway) : SEND_HINT;
    sendButton.disabled = sending || blocker !== "";
    sendHint.textContent = blocker;
    sendHint.hidden = blocker === "";
  }

  function changed() {
    var state = readState();
    var gateway = gatewayBase(gatewayInput.value);
    // The snippets show the default gateway while the field is empty; nothing is sent then.
    var request = buildRequest(state, gateway.base || defaultGateway());
    lastState = { state: state, gateway: gateway, request: request };
    pythonBox.textContent = pythonSnippet(state);
    curlBox.textContent = curlSnippet(request, state);
    showIssues(state.issues, gateway.empty ? "" : gateway.error);
    updateSend();
  }

  function newIdempotencyKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var statusBox = document.getElementById("response-status");
  var headersBody = document.querySelector("#response-headers tbody");
  var responseBox = document.querySelector("#response-body code");
  var sendButton = document.getElementById("send");
  var sendHint = document.getElementById("send-hint");

  function showStatus(kind, text) {
    statusBox.className = "status status-" + kind;
    statusBox.textContent = text;
  }

  function send() {
    changed();
    var state = lastState.state;
    var gateway = lastState.gateway;
    if (sending || sendBlocker(state, gateway)) {
      return; // never to the page's own origin for want of a gateway URL
    }
    if (state.issues.length) {
      showStatus("problem", "Not sent: fix the problems listed above the Send button.");
      return;
    }
    var request = lastState.request;
    var headers = {};
    var body;
    if (request.body !== null) {
      if (request.multipart) {
        body = new FormData();
        request.pairs.forEach(function (pair) {
          if (pair[1] && pair[1].t === "file") {
            body.append(pair[0], pair[1].v, pair[1].v.name);
          } else {
            body.append(pair[0], pair[1]);
          }
        });
      } else {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        body = request.body;
      }
    }
    if (DATA.method === "POST") {
      headers["Idempotency-Key"] = newIdempotencyKey();
    }
    if (state.account) {
      headers["Stripe-Account"] = state.account;
    }
    clear(headersBody);
    responseBox.textContent = "";
    showStatus("pending", "Sending " + DATA.method + " " + request.fetchUrl + " …");
    sending = true;
    updateSend();
    var started = Date.now();
    fetch(request.fetchUrl, {
      method: DATA.method,
      headers: headers,
      body: body,
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      redirect: "manual",
      referrerPolicy: "no-referrer",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          var elapsed = Date.now() - started;
          var kind = response.ok ? "ok" : "error";
          var reason = response.statusText ? " " + response.statusText : "";
          showStatus(kind, response.status + reason + " · " + elapsed + " ms");
          statusBox.setAttribute("data-status", String(response.status));
          response.headers.forEach(function (value, name) {
            headersBody.appendChild(h("tr", {}, [h("th", { text: name }), h("td", { text: value })]));
          });
          var shown = text;
          try {
            shown = JSON.stringify(JSON.parse(text), null, 2);
          } catch (error) {
            // not JSON: shown as it came
          }
          responseBox.textContent = shown;
        });
      })
      .catch(function (error) {
        statusBox.setAttribute("data-status", "unreachable");
        var origin = window.location.origin;
        var hint = /^https?:\/\//.test(origin)
          ? "If it runs but this page comes from another origin, start it with --allow-origin " + origin + "."
          : "Open this page from the gateway (" + gateway.base + "/reference/) rather than as a file.";
        showStatus(
          "problem",
          "Could not reach the gateway at " + gateway.base + " (" + (error && error.message ? error.message : "network error") + "). " +
            "Is it running (codegen gateway)? " + hint
        );
      })
      .then(function () {
        sending = false;
        updateSend();
      });
  }

  // --- the Authentication panel: what key the gateway holds ----------------------------------------

  var authStatus = document.getElementById("auth-status");
  var authLive = document.getElementById("auth-live");
  var statusQuery = 0; // answers to an older query (an earlier gateway URL) are dropped
  var statusTimer = null;

  function showAuth(state, text, live) {
    authStatus.setAttribute("data-state", state);
    authStatus.textContent = text;
    clear(authLive);
    authLive.hidden = !live;
    if (live) {
      authLive.appendChild(h("strong", { text: "Live mode: " }));
      authLive.appendChild(
        document.createTextNode(
          "requests sent from this page use real money and real customer data. Charges, refunds and payouts are real and cannot be undone."
        )
      );
    }
  }

  function showKey(status, base) {
    var ending = status.key_last4 ? " ending …" + status.key_last4 : "";
    if (!status.key_configured) {
      showAuth("none", "No API key is configured on the gateway at " + base + ". Start it with " + START_GATEWAY + ".");
    } else if (status.mode === "test") {
      showAuth("test", "Test mode: the gateway at " + base + " holds a test key" + ending + ". Requests use test data; no real money moves.");
    } else if (status.mode === "live") {
      showAuth("live", "Live mode: the gateway at " + base + " holds a live key" + ending + ".", true);
    } else {
      showAuth("unknown", "The gateway at " + base + " holds a key" + ending + " whose mode is unknown (not an sk_test_, rk_test_, sk_live_ or rk_live_ key).");
    }
  }

  function queryStatus() {
    statusQuery += 1;
    var query = statusQuery;
    var gateway = gatewayBase(gatewayInput.value);
    if (gateway.error) {
      showAuth("unset", gateway.empty ? "No gateway set: enter a gateway URL above to see what key it holds." : gateway.error);
      return;
    }
    showAuth("pending", "Asking the gateway at " + gateway.base + " what key it holds…");
    fetch(gateway.base + STATUS_PATH, {
      method: "GET",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      redirect: "error",
      referrerPolicy: "no-referrer",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          if (query !== statusQuery) {
            return;
          }
          var data = null;
          try {
            data = JSON.parse(text);
          } catch (error) {
            // not JSON: not a codegen gateway
          }
          if (response.ok && data && typeof data.key_configured === "boolean") {
            showKey(data, gateway.base);
            return;
          }
          var message = data && data.error && typeof data.error.message === "string" ? ": " + data.error.message : "";
          showAuth(
            "error",
            "The gateway at " + gateway.base + " did not say what key it holds (HTTP " + response.status + message + "). Is it a codegen gateway?"
          );
        });
      })
      .catch(function () {
        if (query !== statusQuery) {
          return;
        }
        var origin = window.location.origin;
        var hint = "";
        if (!/^https?:\/\//.test(origin)) {
          hint = " Open this page from the gateway (" + gateway.base + "/reference/) rather than as a file.";
        } else if (new URL(gateway.base).origin !== origin) {
          hint = " If it runs, start it with --allow-origin " + origin + " so that this page may ask it.";
        }
        showAuth("unreachable", "Gateway unreachable at " + gateway.base + ": is it running? Start it with " + START_GATEWAY + "." + hint);
      });
  }

  // While the URL is being typed: what was said of the previous one is withdrawn at once, the
  // new one is asked when typing pauses.
  function queryStatusSoon() {
    window.clearTimeout(statusTimer);
    var gateway = gatewayBase(gatewayInput.value);
    if (gateway.error) {
      queryStatus();
      return;
    }
    statusQuery += 1;
    showAuth("pending", "Asking the gateway at " + gateway.base + " what key it holds…");
    statusTimer = window.setTimeout(queryStatus, 300);
  }

  // --- wiring ---------------------------------------------------------------------------------------

  var saved = storageGet();
  gatewayInput.placeholder = defaultGateway(); // what Reset restores
  gatewayInput.value = saved || defaultGateway();
  gatewayInput.addEventListener("input", function () {
    var value = gatewayInput.value.trim();
    if (value) {
      storageSet(value);
    } else {
      storageRemove();
    }
    changed();
    queryStatusSoon();
  });
  document.getElementById("gateway-reset").addEventListener("click", function () {
    storageRemove();
    gatewayInput.value = defaultGateway();
    changed();
    window.clearTimeout(statusTimer);
    queryStatus();
  });
  accountInput.addEventListener("input", changed);

  buildForm();
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  sendButton.addEventListener("click", send);
  document.getElementById("reset").addEventListener("click", function () {
    buildForm();
    changed();
  });

  var copyButton = document.getElementById("copy-snippet");
  var copyStatus = document.getElementById("copy-status");
  var copyTimer = null;
  var COPY_LABELS = { python: "Copy Python snippet", curl: "Copy curl" };

  var tabs = Array.prototype.slice.call(document.querySelectorAll("#snippets .tab"));
  function selectTab(tab) {
    tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      document.querySelector('#snippets [data-panel="' + other.getAttribute("data-tab") + '"]').hidden = !selected;
    });
    copyButton.textContent = COPY_LABELS[tab.getAttribute("data-tab")] || "Copy";
  }
  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () {
      selectTab(tab);
    });
    tab.addEventListener("keydown", function (event) {
      var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (step) {
        var next = tabs[(index + step + tabs.length) % tabs.length];
        selectTab(next);
        next.focus();
        event.preventDefault();
      }
    });
  });

  function copyFeedback(result, text) {
    copyStatus.setAttribute("data-result", result);
    copyStatus.textContent = text;
    window.clearTimeout(copyTimer);
    copyTimer = window.setTimeout(function () {
      copyStatus.textContent = "";
    }, 4000);
  }

  copyButton.addEventListener("click", function () {
    var visible = document.querySelector("#snippets pre:not([hidden]) code");
    var failed = function () {
      copyFeedback("failed", "Copy failed: select the snippet and copy it by hand.");
    };
    if (!visible || !navigator.clipboard || typeof navigator.clipboard.writeText !== "function") {
      failed();
      return;
    }
    navigator.clipboard.writeText(visible.textContent).then(function () {
      copyFeedback("copied", "Copied");
    }, failed);
  });

  changed();
  queryStatus();
  document.body.setAttribute("data-ready", "true");
})();
