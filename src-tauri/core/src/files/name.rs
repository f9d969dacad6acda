//! What a client calls a file, made harmless: a display name (never a path) and a MIME type sniffed from the content.

/// Longest name kept, in characters.
pub const MAX_NAME: usize = 255;

/// Windows device names: a file saved under one of these (with any extension) opens a device.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A client's file name reduced to something safe to show and to save under: the last path
/// segment (of `/` or `\` paths), no control characters or NUL, no leading dots, no Windows
/// device name, at most [`MAX_NAME`] characters; "file" if nothing is left. The store never
/// uses it as a path: content is kept by id, and this is metadata.
pub fn clean(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    name = name.trim().trim_start_matches('.').trim_end_matches([' ', '.']).to_string();
    let stem = name.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        name.insert(0, '_');
    }
    if name.chars().count() > MAX_NAME {
        // Keep the extension: it is what tells a person (and the desktop) what the file is.
        let ext = extension(&name).map(|e| format!(".{e}")).filter(|e| e.chars().count() <= 16).unwrap_or_default();
        let keep = MAX_NAME - ext.chars().count();
        name = name.chars().take(keep).collect::<String>() + &ext;
    }
    if name.is_empty() {
        "file".to_string()
    } else {
        name
    }
}

/// The extension of a name, without the dot ("mp4"), if it has one.
pub fn extension(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && !ext.contains(' ')).then_some(ext)
}

/// The stem of a name: without its extension.
pub fn stem(name: &str) -> &str {
    match extension(name) {
        Some(ext) => &name[..name.len() - ext.len() - 1],
        None => name,
    }
}

/// The MIME type of content: sniffed from its first bytes, else guessed from the name, else the
/// client's claim when it is well formed, else `application/octet-stream`. Sniffing comes first
/// because a name and a claim are only what the client says.
pub fn mime(head: &[u8], name: &str, claimed: Option<&str>) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_string();
    }
    if let Some(guess) = mime_guess::from_path(name).first() {
        return guess.essence_str().to_string();
    }
    match claimed.map(str::trim) {
        Some(c) if is_mime(c) => c.to_ascii_lowercase(),
        _ => "application/octet-stream".to_string(),
    }
}

fn is_mime(s: &str) -> bool {
    let Some((top, sub)) = s.split_once('/') else { return false };
    let token = |t: &str| {
        !t.is_empty() && t.len() <= 127 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    token(top) && token(sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths_and_dangerous_parts() {
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean("C:\\Users\\x\\..\\海报.png"), "海报.png");
        assert_eq!(clean("/abs/path/film.mp4"), "film.mp4");
        assert_eq!(clean("a\0b.txt"), "ab.txt");
        assert_eq!(clean("CON.txt"), "_CON.txt");
        assert_eq!(clean("lpt1"), "_lpt1");
        assert_eq!(clean(".."), "file");
        assert_eq!(clean(".bashrc"), "bashrc");
        assert_eq!(clean("what?.mp4"), "what_.mp4");
        assert_eq!(clean(""), "file");
        let long = format!("{}.mp4", "长".repeat(400));
        let cut = clean(&long);
        assert_eq!(cut.chars().count(), MAX_NAME);
        assert!(cut.ends_with(".mp4"), "the extension survives cutting: {cut}");
    }

    #[test]
    fn mime_types_come_from_content_first() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(mime(png, "lies.txt", Some("text/plain")), "image/png");
        assert_eq!(mime(b"hello", "notes.txt", None), "text/plain");
        assert_eq!(mime(b"hello", "noext", Some("Application/X-Thing")), "application/x-thing");
        assert_eq!(mime(b"hello", "noext", Some("bad type\n")), "application/octet-stream");
        assert_eq!((extension("a.tar.gz"), stem("a.tar.gz")), (Some("gz"), "a.tar"));
        assert_eq!((extension(".hidden"), extension("noext")), (None, None));
    }
}
