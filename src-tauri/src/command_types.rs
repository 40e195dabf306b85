//! The commands the UI may call, with their argument names and types and what they answer,
//! generated as TypeScript (`ui/src/lib/bindings/commands.ts`) from the commands registered in
//! `with_commands` and their signatures in `src/commands/`: a renamed command or argument then
//! fails the UI's type check, and the bindings check fails while the file is stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use syn::{FnArg, GenericArgument, Item, Pat, PathArguments, ReturnType, Type};

/// Parameters Tauri fills itself: never sent by the UI.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

/// One command: its name, its arguments (camelCase, as `invoke` sends them) and its answer.
struct Command {
    name: String,
    args: Vec<(String, Type)>,
    returns: Option<Type>,
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

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let segs: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segs == ["tauri", "command"]
    })
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
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

fn command(f: &syn::ItemFn) -> Command {
    let mut args = Vec::new();
    for input in &f.sig.inputs {
        let FnArg::Typed(t) = input else { continue };
        if last_ident(&t.ty).is_some_and(|i| INJECTED.contains(&i.as_str())) {
            continue;
        }
        let Pat::Ident(name) = &*t.pat else {
            panic!("{}: an argument that is not a plain name", f.sig.ident)
        };
        args.push((camel(&name.ident.to_string()), (*t.ty).clone()));
    }
    let returns = match &f.sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    Command {
        name: f.sig.ident.to_string(),
        args,
        returns,
    }
}

/// Every registered command, read from `src/commands/<module>.rs`.
fn commands(src: &Path) -> Vec<Command> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read src/lib.rs");
    let mut parsed: BTreeMap<String, syn::File> = BTreeMap::new();
    let mut out = Vec::new();
    for (module, name) in registered(&lib) {
        let file = parsed.entry(module.clone()).or_insert_with(|| {
            let path = src.join("commands").join(format!("{module}.rs"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
        });
        let f = file
            .items
            .iter()
            .find_map(|i| match i {
                Item::Fn(f) if f.sig.ident == name && is_command(f) => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!("{module}::{name} is registered but is no #[tauri::command]")
            });
        out.push(command(f));
    }
    out
}

/// TypeScript for a Rust type as it crosses IPC; named types are the generated bindings (or
/// `unknown` when there is none), and `imports` collects them.
fn ts(ty: &Type, known: &BTreeSet<String>, imports: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Reference(r) => ts(&r.elem, known, imports),
        Type::Tuple(t) if t.elems.is_empty() => "null".into(),
        Type::Tuple(t) => format!(
            "[{}]",
            t.elems
                .iter()
                .map(|e| ts(e, known, imports))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return "unknown".into();
            };
            let generic = |i: usize, imports: &mut BTreeSet<String>| -> String {
                match &last.arguments {
                    PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .filter_map(|g| match g {
                            GenericArgument::Type(t) => Some(t),
                            _ => None,
                        })
                        .nth(i)
                        .map(|t| ts(t, known, imports))
                        .unwrap_or_else(|| "unknown".into()),
                    _ => "unknown".into(),
                }
            };
            match last.ident.to_string().as_str() {
                "String" | "str" => "string".into(),
                "bool" => "boolean".into(),
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize"
                | "f32" | "f64" => "number".into(),
                "Option" => format!("{} | null", generic(0, imports)),
                "Vec" => {
                    let inner = generic(0, imports);
                    if inner.contains(' ') {
                        format!("({inner})[]")
                    } else {
                        format!("{inner}[]")
                    }
                }
                "Box" => generic(0, imports),
                // The shell's results: the answer, or a CommandError the wrapper throws.
                "CommandResult" | "Result" => generic(0, imports),
                "Channel" => {
                    imports.insert("Channel".into());
                    format!("Channel<{}>", generic(0, imports))
                }
                name if known.contains(name) => {
                    imports.insert(name.to_string());
                    name.to_string()
                }
                _ => "unknown".into(),
            }
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
