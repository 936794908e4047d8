//! `impasse serve` as a process: it starts, prints its URL, and no acknowledged save is lost or
//! corrupted when it is killed (SIGKILL) in the middle of writes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A small valid scenario: the server's template for new scenarios, renamed.
fn template() -> String {
    impasse_server::TEMPLATE.replace("name = \"New scenario\"", "name = \"Crash test\"")
}

/// Starts `impasse serve --port 0 --data DIR` and returns the process and its address.
fn start(dir: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_impasse"))
        .args(["serve", "--port", "0", "--data"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start impasse serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("impasse: serving http://") {
                let _ = tx.send(url.trim_end_matches('/').to_owned());
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(60)).expect("the server prints its URL");
    (child, addr.parse().expect("an address"))
}

/// One HTTP/1.1 request; `None` when the connection fails.
fn http(addr: SocketAddr, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()))
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Per scenario: the last acknowledged text, and the text sent but not (yet) acknowledged.
type Ledger = BTreeMap<String, (Option<String>, Option<String>)>;

#[test]
fn serve_starts_and_survives_sigkill_mid_writes() {
    let dir = std::env::temp_dir().join(format!("impasse-serve-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut child, addr) = start(&dir);
    let (status, body) = http(addr, "GET", "/api/health", "").expect("health");
    assert_eq!(status, 200, "{body}");
    let (status, page) = http(addr, "GET", "/", "").expect("page");
    assert_eq!(status, 200);
    assert!(page.contains("scenario-list"));

    let ledger: Arc<Mutex<Ledger>> = Arc::new(Mutex::new(BTreeMap::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let ledger = ledger.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut k = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    let name = format!("w{w}-s{}", k % 7);
                    // A big text, unique to this save, so a torn write cannot pass for a whole one.
                    let mut text = format!("# save {k} of writer {w}\n{}", template());
                    for line in 0..400 {
                        text.push_str(&format!("# padding {k}.{line} {}\n", "x".repeat(60)));
                    }
                    ledger.lock().unwrap().entry(name.clone()).or_default().1 = Some(text.clone());
                    let body = format!("{{\"text\": {}}}", json_string(&text));
                    match http(addr, "PUT", &format!("/api/scenarios/{name}"), &body) {
                        Some((200 | 201, _)) => {
                            let mut ledger = ledger.lock().unwrap();
                            let entry = ledger.entry(name).or_default();
                            entry.0 = Some(text);
                            entry.1 = None;
                        }
                        Some((status, body)) => panic!("save refused: {status} {body}"),
                        None => break, // the server is gone
                    }
                    k += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().expect("SIGKILL the server");
    let _ = child.wait();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("writer");
    }
    let ledger = ledger.lock().unwrap().clone();
    let acknowledged = ledger.values().filter(|(acked, _)| acked.is_some()).count();
    assert!(acknowledged > 0, "some saves were acknowledged before the kill");

    // Reopen: the file is intact, and every acknowledged save is there in full (or the save that
    // was in flight when the server died, if it committed before the kill).
    let store = impasse_server::Store::open(&dir).expect("the library reopens");
    store.integrity_check().expect("integrity_check ok");
    for (name, (acked, in_flight)) in &ledger {
        let stored = store.get(name).expect("read").map(|s| s.text);
        match (acked, &stored) {
            (Some(acked), Some(stored)) => assert!(
                stored == acked || in_flight.as_ref() == Some(stored),
                "{name}: the stored text is neither the acknowledged save nor the one in flight"
            ),
            (Some(_), None) => panic!("{name}: an acknowledged save was lost"),
            (None, Some(stored)) => {
                assert_eq!(in_flight.as_ref(), Some(stored), "{name}: unknown text stored")
            }
            (None, None) => {}
        }
    }
    drop(store);

    // And the server starts again on the same library.
    let (mut child, addr) = start(&dir);
    let (status, body) = http(addr, "GET", "/api/scenarios", "").expect("list");
    assert_eq!(status, 200, "{body}");
    for name in ledger.iter().filter(|(_, (a, _))| a.is_some()).map(|(n, _)| n) {
        assert!(body.contains(&format!("\"{name}\"")), "{name} is listed");
    }
    child.kill().expect("stop the server");
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
