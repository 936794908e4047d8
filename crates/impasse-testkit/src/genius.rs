//! An independent reading of the names in GENIUS XML files, to check importers against.
//!
//! A scan of the XML text with no XML library: tags, quoted attributes, the five predefined
//! entities and character references, comments and declarations skipped, which is all GENIUS
//! files use. [`names_in`] gives a folder's issue names and value names (from the domain file) and
//! party names (the profiles' file stems), exactly as written.

use std::fs;
use std::path::{Path, PathBuf};

/// What the XML files of a GENIUS domain folder name, read off their text.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GeniusNames {
    /// Per issue, in domain order: its name and its values (first occurrences, in order; empty
    /// for integer issues).
    pub issues: Vec<(String, Vec<String>)>,
    /// The profiles' file stems, in sorted file-name order.
    pub parties: Vec<String>,
}

/// One tag: its name (`/name` for a closing tag) and its attributes, decoded.
pub(crate) type Tag = (String, Vec<(String, String)>);

fn decode(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').expect("an entity ends with ;");
        let entity = &after[..semi];
        let ch = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") => {
                char::from_u32(u32::from_str_radix(&entity[2..], 16).expect("hex")).expect("char")
            }
            _ if entity.starts_with('#') => {
                char::from_u32(entity[1..].parse().expect("decimal")).expect("char")
            }
            _ => panic!("unknown entity &{entity};"),
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    // XML attribute-value normalisation: literal tabs and line breaks read as spaces.
    out.replace(['\t', '\n', '\r'], " ")
}

/// Every tag of `xml` in document order; comments, processing instructions and declarations are
/// skipped.
pub(crate) fn tags(xml: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = &after[after.find("-->").expect("comment end") + 3..];
            continue;
        }
        if rest.starts_with('?') || rest.starts_with('!') {
            rest = &rest[rest.find('>').expect("end") + 1..];
            continue;
        }
        let name_end = match rest.strip_prefix('/') {
            Some(closing) => 1 + closing.find(|ch: char| ch.is_whitespace() || ch == '>').unwrap(),
            None => rest.find(|ch: char| ch.is_whitespace() || ch == '>' || ch == '/').unwrap(),
        };
        let name = rest[..name_end].to_owned();
        rest = &rest[name_end..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.starts_with('>') || rest.starts_with("/>") {
                rest = &rest[rest.find('>').unwrap() + 1..];
                break;
            }
            let eq = rest.find('=').expect("attribute =");
            let key = rest[..eq].trim().to_owned();
            let after = rest[eq + 1..].trim_start();
            let quote = after.chars().next().expect("quote");
            assert!(quote == '"' || quote == '\'', "quoted attribute value");
            let close = after[1..].find(quote).expect("closing quote") + 1;
            attrs.push((key, decode(&after[1..close])));
            rest = &after[close + 1..];
        }
        out.push((name, attrs));
    }
    out
}

pub(crate) fn attr<'a>(tag: &'a Tag, key: &str) -> Option<&'a str> {
    tag.1.iter().find(|(name, _)| name == key).map(|(_, value)| value.as_str())
}

/// The names a GENIUS folder's XML files hold, read off the text.
///
/// # Panics
///
/// When the folder cannot be read, holds no domain file or more than one, or holds XML this scan
/// does not understand (it is a test oracle).
pub fn names_in(folder: &Path) -> GeniusNames {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .expect("folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_ascii_lowercase();
            name.ends_with(".xml") && !name.ends_with("pareto.xml")
        })
        .collect();
    files.sort();
    let mut issues = None;
    let mut parties = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("UTF-8");
        let all = tags(&text);
        match all.first().map(|tag| tag.0.as_str()) {
            Some("negotiation_template") => {
                let mut found: Vec<(String, Vec<String>)> = Vec::new();
                let mut inside = false;
                for tag in &all {
                    match tag.0.as_str() {
                        "issue" => {
                            found.push((attr(tag, "name").expect("issue name").to_owned(), vec![]));
                            inside = true;
                        }
                        "/issue" => inside = false,
                        "item" if inside => {
                            let value = attr(tag, "value").expect("item value").to_owned();
                            let values = &mut found.last_mut().unwrap().1;
                            if !values.contains(&value) {
                                values.push(value);
                            }
                        }
                        _ => {}
                    }
                }
                assert!(issues.replace(found).is_none(), "one domain in {}", folder.display());
            }
            Some("utility_space") => {
                parties.push(file.file_stem().unwrap().to_string_lossy().into_owned());
            }
            _ => {}
        }
    }
    GeniusNames { issues: issues.expect("a domain file"), parties }
}

/// Every domain folder (a folder holding `.xml` files) below `root`, sorted.
///
/// # Panics
///
/// When a folder cannot be read.
pub fn domain_folders(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut has_xml = false;
        for entry in fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("xml")) {
                has_xml = true;
            }
        }
        if has_xml {
            out.push(dir);
        }
    }
    out.sort();
    out
}

/// The shared collection of GENIUS domains (`../shared/genius-domains` beside the repository, or
/// `/work/shared/genius-domains`, where the workplace keeps it); `None` when neither exists, for
/// the caller to fail with its own message (tests must not skip silently).
pub fn shared_domains() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/genius-domains");
    [beside, PathBuf::from("/work/shared/genius-domains")].into_iter().find(|p| p.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracle_reads_what_it_should() {
        let text = r#"<?xml version="1.0"?><!-- <issue name="no"> -->
    <negotiation_template><utility_space><objective>
    <issue index="1" name='Price (&amp; &#233;tc) "x"'><item index="1" value="06-09"/></issue>
    </objective></utility_space></negotiation_template>"#;
        let all = tags(text);
        assert_eq!(all[0].0, "negotiation_template");
        assert_eq!(attr(&all[3], "name"), Some("Price (& étc) \"x\""));
        assert_eq!(attr(&all[4], "value"), Some("06-09"));
        assert_eq!(all[5].0, "/issue");
    }
}
