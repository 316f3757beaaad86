// The measure form's partner chooser (tracker/records/partners.py). The multiple select
// it starts from stays in the form, hidden, and is what the form posts: this script only
// selects and unselects its options. One types a French or Arabic name (case, accents,
// Arabic short vowels and alef forms aside) and picks a match with the mouse or the
// keyboard (arrows, Enter, Escape); the chosen partners are chips with a button that
// removes them. The "add" link opens the organisation form in a dialog; once saved, the
// new organisation is an option of the select, chosen. Every text is set with
// textContent; only the server's own form is inserted as HTML.
(function () {
    "use strict";

    var SHOWN = 30;
    var FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"};

    // As tracker.models.territory.search_key folds names on the server.
    function fold(text) {
        return (text || "").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
            .replace(/[أإآٱىة]/g, function (c) { return FOLDS[c]; })
            .replace(/[-'’]/g, " ").replace(/\s+/g, " ").trim();
    }

    function isArabic(text) {
        var letters = (text.match(/\p{L}/gu) || []);
        var arabic = letters.filter(function (c) { return /[\u0600-\u06ff\ufb50-\ufeff]/.test(c); });
        return arabic.length * 2 > letters.length;
    }

    function element(tag, className, text) {
        var made = document.createElement(tag);
        if (className) { made.className = className; }
        if (text !== undefined) { made.textContent = text; }
        return made;
    }

    function setUp(select) {
        var texts = JSON.parse(select.getAttribute("data-partner-chooser") || "{}");
        var field = select.parentNode;
        var label = document.querySelector("label[for='" + select.id + "']");
        var ui = element("div", "partner-chooser");
        var chips = element("ul", "chips");
        chips.setAttribute("aria-label", texts.chosen || "");
        var empty = element("p", "help chips-empty", texts.nothing_chosen);
        var input = element("input", "partner-search");
        input.type = "search";
        input.id = select.id + "-search";
        input.autocomplete = "off";
        input.setAttribute("dir", "auto");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.placeholder = texts.search || "";
        var list = element("ul", "partner-options");
        list.id = select.id + "-options";
        list.setAttribute("role", "listbox");
        list.hidden = true;
        input.setAttribute("aria-controls", list.id);
        var status = element("p", "help partner-status");
        status.setAttribute("role", "status");
        ui.appendChild(chips);
        ui.appendChild(empty);
        ui.appendChild(input);
        ui.appendChild(list);
        ui.appendChild(status);
        select.hidden = true;
        select.parentNode.insertBefore(ui, select);
        if (label) { label.htmlFor = input.id; }
        var shown = [];
        var active = -1;

        function keyOf(option) {
            return option.getAttribute("data-search") || fold(option.textContent);
        }

        function renderChips() {
            chips.textContent = "";
            Array.prototype.forEach.call(select.options, function (option) {
                if (!option.selected) { return; }
                var chip = element("li", "chip");
                chip.appendChild(element("bdi", "", option.textContent));
                var remove = element("button", "chip-remove", "×");
                remove.type = "button";
                remove.setAttribute("aria-label", (texts.remove || "%s").replace("%s", option.textContent));
                remove.addEventListener("click", function () {
                    option.selected = false;
                    select.dispatchEvent(new Event("change", {bubbles: true}));
                    renderChips();
                    input.focus();
                });
                chip.appendChild(remove);
                chips.appendChild(chip);
            });
            empty.hidden = chips.children.length > 0;
        }

        function close() {
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function filter() {
            var words = fold(input.value).split(" ").filter(Boolean);
            list.textContent = "";
            active = -1;
            input.removeAttribute("aria-activedescendant");
            if (!words.length) { shown = []; close(); status.textContent = ""; return; }
            var matches = Array.prototype.filter.call(select.options, function (option) {
                var key = keyOf(option);
                return !option.selected && words.every(function (w) { return key.indexOf(w) >= 0; });
            });
            shown = matches.slice(0, SHOWN);
            shown.forEach(function (option, index) {
                var item = element("li", "partner-option");
                item.id = list.id + "-" + index;
                item.setAttribute("role", "option");
                item.setAttribute("aria-selected", "false");
                item.appendChild(element("bdi", "", option.textContent));
                item.addEventListener("mousedown", function (event) { event.preventDefault(); });
                item.addEventListener("click", function () { choose(index); });
                list.appendChild(item);
            });
            list.hidden = shown.length === 0;
            input.setAttribute("aria-expanded", shown.length ? "true" : "false");
            if (!matches.length) {
                status.textContent = texts.none || "";
            } else if (matches.length > SHOWN) {
                status.textContent = (texts.more || "%d").replace("%d", String(matches.length - SHOWN));
            } else {
                status.textContent = (texts.found || "%d").replace("%d", String(matches.length));
            }
        }

        function choose(index) {
            var option = shown[index];
            if (!option) { return; }
            option.selected = true;
            select.dispatchEvent(new Event("change", {bubbles: true}));
            input.value = "";
            close();
            status.textContent = "";
            renderChips();
            input.focus();
        }

        function move(step) {
            var items = list.querySelectorAll("[role=option]");
            if (!items.length) { return; }
            if (active >= 0) { items[active].setAttribute("aria-selected", "false"); }
            active = (active + step + items.length) % items.length;
            items[active].setAttribute("aria-selected", "true");
            items[active].scrollIntoView({block: "nearest"});
            input.setAttribute("aria-activedescendant", items[active].id);
        }

        input.addEventListener("input", filter);
        input.addEventListener("blur", close);
        input.addEventListener("keydown", function (event) {
            if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { filter(); } move(1); }
            else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
            else if (event.key === "Enter") {
                // Enter picks a match; it never submits the measure form from this box.
                event.preventDefault();
                choose(active >= 0 ? active : (shown.length === 1 ? 0 : -1));
            } else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }
        });

        // A new organisation, saved from the dialog: an option of the select, chosen.
        function added(organisation) {
            var option = new Option(organisation.name, String(organisation.id), true, true);
            option.setAttribute("data-search", organisation.search || fold(organisation.name));
            select.appendChild(option);
            select.dispatchEvent(new Event("change", {bubbles: true}));
            input.value = "";
            filter();
            renderChips();
        }

        var add = field.querySelector("[data-partner-add]");
        if (add && typeof HTMLDialogElement === "function") {
            var help = add.parentNode.querySelector(".help");
            if (help) { help.hidden = true; }
            add.addEventListener("click", function (event) {
                event.preventDefault();
                openDialog(add, texts, input.value.trim(), added);
            });
        }
        renderChips();
    }

    function openDialog(link, texts, typed, added) {
        var dialog = element("dialog", "partner-dialog");
        dialog.setAttribute("aria-label", link.textContent);
        var heading = element("h2", "", link.textContent);
        var body = element("div", "partner-dialog-body");
        var cancel = element("button", "button secondary", texts.close);
        cancel.type = "button";
        cancel.addEventListener("click", function () { dialog.close(); });
        dialog.appendChild(heading);
        dialog.appendChild(body);
        dialog.addEventListener("close", function () { dialog.remove(); link.focus(); });
        document.body.appendChild(dialog);

        function failed() {
            if (!cancel.isConnected) { body.appendChild(cancel); }
            var message = element("p", "error", texts.failed);
            message.setAttribute("role", "alert");
            body.insertBefore(message, body.firstChild);
        }

        function show(html) {
            body.innerHTML = html;
            var form = body.querySelector("form");
            if (!form) { body.appendChild(cancel); failed(); return; }
            // Cancel beside Save: leaving the dialog keeps the measure form as it was.
            form.querySelector("button[type=submit]").after(cancel);
            form.addEventListener("submit", function (event) {
                event.preventDefault();
                fetch(form.action, {
                    method: "POST", body: new FormData(form), credentials: "same-origin",
                    headers: {"Accept": "application/json"}
                }).then(function (response) {
                    if (response.status === 201) {
                        return response.json().then(function (organisation) {
                            added(organisation);
                            dialog.close();
                        });
                    }
                    var type = response.headers.get("Content-Type") || "";
                    if (response.status === 400 && type.indexOf("text/html") === 0) {
                        return response.text().then(show);
                    }
                    failed();
                }).catch(failed);
            });
            var first = form.querySelector("input:not([type=hidden]), select");
            if (first) { first.focus(); }
        }

        fetch(link.getAttribute("data-partner-add"), {credentials: "same-origin"})
            .then(function (response) {
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.text();
            })
            .then(function (html) {
                show(html);
                var name = body.querySelector(typed && isArabic(typed) ? "[name=name_ar]" : "[name=name_fr]");
                if (name && typed) { name.value = typed; }
            })
            .catch(failed);
        dialog.showModal();
    }

    document.querySelectorAll("select[data-partner-chooser]").forEach(setUp);
}());
