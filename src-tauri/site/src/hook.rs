//! The hook: the site's own program that acts on seats. A COMMAND runs it as `PROGRAM ACTION CLIENT_ID…` (with `CINEDESK_COMMAND_ID` and `CINEDESK_CINEMA_ID` in its environment); exit status 0 is DONE, anything else FAILED, and what it printed is the detail.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::journal::Outcome;

/// The longest detail the server keeps (its `MAX_REPORT_TEXT`, in characters).
const MAX_DETAIL: usize = 1000;

/// What running the hook for one command came to.
pub(crate) async fn run(
    hook: Option<&Path>,
    timeout: Duration,
    cinema: &str,
    command_id: &str,
    action: &str,
    client_ids: &[String],
) -> Outcome {
    let Some(hook) = hook else {
        return Outcome { done: false, detail: "this site has no hook for commands (--hook)".into() };
    };
    let child = tokio::process::Command::new(hook)
        .arg(action)
        .args(client_ids)
        .env("CINEDESK_COMMAND_ID", command_id)
        .env("CINEDESK_CINEMA_ID", cinema)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A hook that overruns is stopped when its future is dropped below.
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            return Outcome { done: false, detail: clip(&format!("the hook {} did not start: {e}", hook.display())) }
        }
    };
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Err(_) => {
            Outcome { done: false, detail: format!("the hook took more than {} s and was stopped", timeout.as_secs()) }
        }
        Ok(Err(e)) => Outcome { done: false, detail: clip(&format!("the hook failed: {e}")) },
        Ok(Ok(out)) => {
            let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            let said = said.trim();
            let detail = match (out.status.success(), said.is_empty()) {
                (true, _) | (false, false) => said.to_string(),
                (false, true) => format!("the hook ended with {}", out.status),
            };
            Outcome { done: out.status.success(), detail: clip(&detail) }
        }
    }
}

/// At most [`MAX_DETAIL`] characters.
fn clip(s: &str) -> String {
    s.chars().take(MAX_DETAIL).collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("hook.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[tokio::test]
    async fn the_hook_gets_the_action_and_seats_and_its_exit_status_decides() {
        let dir = tempfile::tempdir().unwrap();
        let hook = script(dir.path(), r#"echo "$CINEDESK_COMMAND_ID $1 $2 $3"; [ "$1" = REBOOT ]"#);
        let seats = ["s1".to_string(), "s2".to_string()];
        let ok = run(Some(&hook), Duration::from_secs(60), "c1", "k1", "REBOOT", &seats).await;
        assert_eq!(ok, Outcome { done: true, detail: "k1 REBOOT s1 s2".into() });
        let no = run(Some(&hook), Duration::from_secs(60), "c1", "k2", "SHUTDOWN", &seats).await;
        assert_eq!(no, Outcome { done: false, detail: "k2 SHUTDOWN s1 s2".into() });
    }

    #[tokio::test]
    async fn a_hook_that_overruns_is_stopped_and_the_command_failed() {
        let dir = tempfile::tempdir().unwrap();
        let hook = script(dir.path(), "sleep 30");
        let out = run(Some(&hook), Duration::from_secs(1), "c1", "k1", "REBOOT", &[]).await;
        assert!(!out.done && out.detail.contains("more than 1 s"), "{out:?}");
    }

    #[tokio::test]
    async fn without_a_hook_a_command_fails_saying_so() {
        let out = run(None, Duration::from_secs(1), "c1", "k1", "REBOOT", &[]).await;
        assert!(!out.done && out.detail.contains("--hook"), "{out:?}");
    }
}
