//! A CUPS raw queue on a cupsd of the test's own (temporary ServerRoot, a Unix socket, no
//! network). CUPS 2.4 writes nothing for a raw queue with a `file:` device (it sends raw jobs
//! straight to a backend and `file:` has none), so the queue's device is a three-line backend
//! in the test's own ServerBin that copies each job to a file, as a `usb:` or `socket:`
//! backend would send it to a printer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use versapos_printer::decode::decode;
use versapos_printer::{print, CodePage, Job};

use crate::{expected_text, sample_receipt, settings, small_png};

/// cupsd, stopped (by its own pid) when the test ends.
struct Cupsd {
    child: Child,
    socket: PathBuf,
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BACKEND: &str = r#"#!/bin/sh
# A CUPS backend for tests: writes each job to the file its device URI names (capture:/path).
if [ $# -eq 0 ]; then echo 'direct capture "Unknown" "Test capture to a file"'; exit 0; fi
out="${DEVICE_URI#capture:}"
if [ $# -ge 6 ] && [ -n "$6" ]; then cat "$6"; else cat; fi > "$out.part" && mv "$out.part" "$out"
"#;

fn start_cupsd(root: &Path) -> Cupsd {
    use std::os::unix::fs::PermissionsExt;

    let cupsd = Path::new("/usr/sbin/cupsd");
    assert!(
        cupsd.exists(),
        "/usr/sbin/cupsd is missing: run scripts/setup to install cups-daemon"
    );
    let socket = root.join("cups.sock");
    for d in ["spool", "cache", "state", "log", "bin/backend"] {
        std::fs::create_dir_all(root.join(d)).expect("cups dirs");
    }
    // The scheduler starts backends through cups-exec from its ServerBin.
    std::os::unix::fs::symlink("/usr/lib/cups/daemon", root.join("bin/daemon"))
        .expect("link cups-exec");
    let backend = root.join("bin/backend/capture");
    std::fs::write(&backend, BACKEND).expect("backend");
    // 0700: the scheduler runs a backend no one else may read as root.
    std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    for d in [root, &root.join("bin"), &root.join("bin/backend")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let r = root.display();
    std::fs::write(
        root.join("cupsd.conf"),
        format!(
            "Listen {r}/cups.sock\nLogLevel warn\nBrowsing No\nWebInterface No\n\
             DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
             <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        ),
    )
    .expect("cupsd.conf");
    // cupsd refuses to run jobs as root: its unprivileged user is Debian's `lp`.
    std::fs::write(
        root.join("cups-files.conf"),
        format!(
            "ServerRoot {r}\nServerBin {r}/bin\nRequestRoot {r}/spool\nCacheDir {r}/cache\n\
             StateDir {r}/state\nTempDir {r}/spool\nErrorLog {r}/log/error_log\n\
             AccessLog {r}/log/access_log\nPageLog {r}/log/page_log\nFileDevice Yes\n\
             User lp\nGroup lp\nSystemGroup root\n"
        ),
    )
    .expect("cups-files.conf");
    let child = Command::new(cupsd)
        .arg("-f")
        .arg("-c")
        .arg(root.join("cupsd.conf"))
        .arg("-s")
        .arg(root.join("cups-files.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start cupsd");
    let cupsd = Cupsd { child, socket };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cupsd.socket.exists() {
        assert!(
            Instant::now() < deadline,
            "cupsd did not listen in 10 s; see {r}/log/error_log"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    cupsd
}

#[test]
fn a_receipt_reaches_a_cups_raw_queue_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let cupsd = start_cupsd(root);
    let out = root.join("out.bin");
    let added = Command::new("lpadmin")
        .arg("-h")
        .arg(&cupsd.socket)
        .args(["-p", "receipt", "-E", "-m", "raw", "-v"])
        .arg(format!("capture:{}", out.display()))
        .output()
        .unwrap_or_else(|e| panic!("lpadmin cannot run ({e}): run scripts/setup (cups-client)"));
    assert!(
        added.status.success(),
        "lpadmin: {}",
        String::from_utf8_lossy(&added.stderr)
    );

    // The transport runs `lp`, which finds this cupsd through CUPS_SERVER. This is the only
    // test that sets it, and nothing else in this binary runs lp.
    std::env::set_var("CUPS_SERVER", &cupsd.socket);
    let mut s = settings("cups://receipt", 48);
    s.logo = Some(small_png());
    let lines = sample_receipt(true).layout(48);
    let job = Job {
        lines: &lines,
        kick_drawer: true,
    };
    print(&s, &job).expect("print to the CUPS queue");
    let want = versapos_printer::encode(&s, &job).expect("encode");

    let deadline = Instant::now() + Duration::from_secs(15);
    while !out.exists() {
        assert!(
            Instant::now() < deadline,
            "the job did not reach the queue's device in 15 s; see {}/log/error_log",
            root.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read(&out).expect("read out.bin");
    assert!(
        got == want,
        "CUPS changed the bytes: {} sent, {} arrived",
        want.len(),
        got.len()
    );
    let paper = decode(&got, CodePage::Pc437).expect("decode");
    assert_eq!(paper.text(), expected_text(&lines, CodePage::Pc858));
    assert_eq!(paper.kicks.len(), 1);

    // The queue is listed by find().
    let found = versapos_printer::find();
    assert!(
        found.iter().any(|f| f.address == "cups://receipt"),
        "{found:?}"
    );

    // A queue that does not exist: lp's own words come back.
    let err = print(&settings("cups://nosuchqueue", 48), &job).expect_err("no such queue");
    assert_eq!(err.code(), "printer_refused");
    assert!(err.to_string().contains("cups://nosuchqueue"), "{err}");
    std::env::remove_var("CUPS_SERVER");
}
