//! The commands the UI may call, with their argument names and types and what they answer,
//! generated as TypeScript (`ui/src/lib/bindings/commands.ts`) from the commands registered in
//! `with_commands` and their signatures in `src/commands/` (read as text: the signatures are
//! plain `name: Type` lists): a renamed command or argument then
//! fails the UI's type check, and the bindings check fails while the file is stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Parameters Tauri fills itself: never sent by the UI.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

/// A Rust type as written in a signature: its last path segment and its type arguments (a
/// tuple is named "()").
#[derive(Debug, PartialEq)]
struct Ty {
    name: String,
    args: Vec<Ty>,
}

/// One command: its name, its arguments (camelCase, as `invoke` sends them) and its answer.
struct Command {
    name: String,
    args: Vec<(String, Ty)>,
    returns: Option<Ty>,
}

/// `text` split at the commas outside any brackets.
fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if !text[..i].ends_with('-') => depth -= 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[from..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// A type's text read as a [`Ty`]: references, lifetimes and paths dropped.
fn parse_ty(text: &str) -> Ty {
    let mut t = text.trim();
    while let Some(rest) = t.strip_prefix('&') {
        t = rest.trim_start();
        if t.starts_with('\'') {
            t = t.split_once(' ').map_or("", |(_, r)| r).trim_start();
        }
        t = t.strip_prefix("mut ").unwrap_or(t).trim_start();
    }
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        return Ty {
            name: "()".into(),
            args: split_top(inner).into_iter().map(parse_ty).collect(),
        };
    }
    let (path, args) = match t.find('<') {
        Some(i) if t.ends_with('>') => (&t[..i], &t[i + 1..t.len() - 1]),
        _ => (t, ""),
    };
    Ty {
        name: path.rsplit("::").next().unwrap_or(path).trim().to_string(),
        args: split_top(args)
            .into_iter()
            .filter(|a| !a.starts_with('\''))
            .map(parse_ty)
            .collect(),
    }
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The `#[tauri::command]` functions of one source file, by name.
fn commands_in(text: &str) -> BTreeMap<String, Command> {
    let mut found = BTreeMap::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[tauri::command") {
        rest = &rest[at..];
        let Some(f) = rest.find("fn ") else { break };
        let sig_start = f + 3;
        let open = sig_start
            + rest[sig_start..]
                .find('(')
                .expect("a command's parameters follow its name");
        let name_and_generics = &rest[sig_start..open];
        let name = name_and_generics
            .split('<')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        // The parameters end at the matching parenthesis.
        let mut depth = 0;
        let mut close = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = rest[close..].find('{').map_or(rest.len(), |b| close + b);
        let returns = rest[close + 1..body]
            .trim()
            .strip_prefix("->")
            .map(|r| parse_ty(r.trim()));
        let mut args = Vec::new();
        for param in split_top(&rest[open + 1..close]) {
            let (pat, ty) = param
                .split_once(':')
                .unwrap_or_else(|| panic!("{name}: a parameter without a type: {param}"));
            let ty = parse_ty(ty);
            if INJECTED.contains(&ty.name.as_str()) {
                continue;
            }
            let pat = pat.trim().trim_start_matches("mut ").trim();
            args.push((camel(pat), ty));
        }
        found.insert(
            name.clone(),
            Command {
                name,
                args,
                returns,
            },
        );
        rest = &rest[body.min(rest.len())..];
    }
    found
}

/// The `module::function` paths `with_commands` registers, in order.
fn registered(lib: &str) -> Vec<(String, String)> {
    let start = lib
        .find("generate_handler![")
        .expect("with_commands registers its commands with generate_handler!");
    let body = &lib[start + "generate_handler![".len()..];
    let end = body.find(']').expect("the handler list ends");
    body[..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (module, name) = s.rsplit_once("::").expect("commands are named module::fn");
            (module.to_string(), name.to_string())
        })
        .collect()
}

/// Every registered command, read from `src/commands/<module>.rs`.
fn commands(src: &Path) -> Vec<Command> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    let mut parsed: BTreeMap<String, BTreeMap<String, Command>> = BTreeMap::new();
    let mut out = Vec::new();
    for (module, name) in registered(&lib) {
        let file = parsed.entry(module.clone()).or_insert_with(|| {
            let path = src.join("commands").join(format!("{module}.rs"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            commands_in(&text)
        });
        let command = file.remove(&name).unwrap_or_else(|| {
            panic!("{module}::{name} is registered but is no #[tauri::command]")
        });
        out.push(command);
    }
    out
}

/// TypeScript for a Rust type as it crosses IPC; named types are the generated bindings (or
/// `unknown` when there is none), and `imports` collects them.
fn ts(ty: &Ty, known: &BTreeSet<String>, imports: &mut BTreeSet<String>) -> String {
    let arg = |i: usize, imports: &mut BTreeSet<String>| {
        ty.args
            .get(i)
            .map(|a| ts(a, known, imports))
            .unwrap_or_else(|| "unknown".into())
    };
    match ty.name.as_str() {
        "()" if ty.args.is_empty() => "null".into(),
        "()" => format!(
            "[{}]",
            ty.args
                .iter()
                .map(|a| ts(a, known, imports))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "String" | "str" => "string".into(),
        "bool" => "boolean".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "f32"
        | "f64" => "number".into(),
        "Option" => format!("{} | null", arg(0, imports)),
        "Vec" => {
            let inner = arg(0, imports);
            if inner.contains(" | ") {
                format!("({inner})[]")
            } else {
                format!("{inner}[]")
            }
        }
        "Box" => arg(0, imports),
        // The shell's results: the answer, or a CommandError the wrapper throws.
        "CommandResult" | "Result" => arg(0, imports),
        "Channel" => {
            imports.insert("Channel".into());
            format!("Channel<{}>", arg(0, imports))
        }
        name if known.contains(name) => {
            imports.insert(name.to_string());
            name.to_string()
        }
        _ => "unknown".into(),
    }
}

/// `commands.ts`: `CommandArgs` and `CommandAnswers`, keyed by command name.
pub fn render(src: &Path, known: &BTreeSet<String>) -> String {
    let mut imports = BTreeSet::new();
    let mut args_lines = String::new();
    let mut answer_lines = String::new();
    for c in commands(src) {
        let args: Vec<String> = c
            .args
            .iter()
            .map(|(name, ty)| format!("{name}: {}", ts(ty, known, &mut imports)))
            .collect();
        let args = if args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        args_lines.push_str(&format!("  {}: {args};\n", c.name));
        let answer = c
            .returns
            .as_ref()
            .map(|t| ts(t, known, &mut imports))
            .unwrap_or_else(|| "null".into());
        answer_lines.push_str(&format!("  {}: {answer};\n", c.name));
    }
    let mut out = String::from(
        "// Generated by scripts/bindings from the commands the shell registers. Do not edit.\n",
    );
    if imports.remove("Channel") {
        out.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    for name in &imports {
        out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
    }
    out.push_str(
        "\n/** What each command takes, named as `invoke` sends it (camelCase). */\nexport type CommandArgs = {\n",
    );
    out.push_str(&args_lines);
    out.push_str("};\n\n/** What each command answers (a failure rejects with a CommandError). */\nexport type CommandAnswers = {\n");
    out.push_str(&answer_lines);
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_reads_as_its_arguments_and_answer_with_tauri_s_own_left_out() {
        let text = r#"
/// Docs.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn refund_order<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    order_ref: String,
    lines: Vec<(String, i64)>,
    progress: Channel<CardProgress>,
    mut note: Option<&str>,
) -> CommandResult<Option<Vec<RefundView>>> {
    let x = (1, 2);
}
"#;
        let found = commands_in(text);
        let c = &found["refund_order"];
        let names: Vec<&str> = c.args.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["orderRef", "lines", "progress", "note"]);
        let known: BTreeSet<String> = ["RefundView", "CardProgress"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut imports = BTreeSet::new();
        let ts_of = |t: &Ty, i: &mut BTreeSet<String>| ts(t, &known, i);
        assert_eq!(ts_of(&c.args[1].1, &mut imports), "[string, number][]");
        assert_eq!(ts_of(&c.args[2].1, &mut imports), "Channel<CardProgress>");
        assert_eq!(ts_of(&c.args[3].1, &mut imports), "string | null");
        let answer = c.returns.as_ref().expect("an answer");
        assert_eq!(ts_of(answer, &mut imports), "RefundView[] | null");
        assert_eq!(parse_ty("()").name, "()");
        assert!(imports.contains("RefundView") && imports.contains("Channel"));
    }
}
