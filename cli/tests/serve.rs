//! `santei serve` as a process: the API answers examples/claim.json with exactly the bytes
//! `santei calc --json` prints; SIGHUP reloads the engine; SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Serve {
    child: Child,
    addr: String,
}

impl Serve {
    fn start() -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
            .args(["serve", "--port", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run santei serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("santei serve printed its address")
                .unwrap();
            if let Some(rest) = line.split("serving on http://").nth(1) {
                break rest.split('/').next().unwrap().to_owned();
            }
        };
        // Keep reading stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Serve { child, addr }
    }

    /// One request; (status, body). The answers of these endpoints carry a content-length.
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, out[split + 4..].to_vec())
    }

    /// [`Serve::request`] without a body, tried again when the connection fails (a loaded
    /// machine during the reload has reset one at times); the status and body are still checked.
    fn request_retrying(&self, method: &str, path: &str) -> (u16, Vec<u8>) {
        for _ in 0..4 {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.request(method, path, b"")
            }));
            if let Ok(answer) = r {
                return answer;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.request(method, path, b"")
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_api_answers_as_calc_json_prints() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/claim.json");
    let calc = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["calc", "--json", example])
        .output()
        .unwrap();
    assert!(calc.status.success());
    let serve = Serve::start();
    let (status, body) = serve.request(
        "POST",
        "/v1/claims/calculate",
        &std::fs::read(example).unwrap(),
    );
    assert_eq!(status, 200);
    assert!(
        body == calc.stdout,
        "the API's JSON differs from `santei calc --json`"
    );
}

#[cfg(unix)]
#[test]
fn sighup_reloads_and_sigterm_stops() {
    let mut serve = Serve::start();
    let ready = |s: &Serve| {
        let (status, body) = s.request_retrying("GET", "/readyz");
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["generation"].as_u64().unwrap()
    };
    assert_eq!(ready(&serve), 1);
    serve.signal("-HUP");
    let mut generation = 1;
    for _ in 0..100 {
        generation = ready(&serve);
        if generation == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(generation, 2, "SIGHUP reloaded the engine");
    serve.signal("-TERM");
    let status = serve.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// A SIGHUP sent the moment the address is printed (a service manager's `reload` right after the
/// start) reloads: the handler is installed before the address is printed, so the process is
/// never left to the default action of a SIGHUP, which ends it.
#[cfg(unix)]
#[test]
fn sighup_right_after_start_reloads() {
    let serve = Serve::start();
    serve.signal("-HUP");
    let mut generation = 0;
    for _ in 0..100 {
        let (status, body) = serve.request_retrying("GET", "/readyz");
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        generation = v["generation"].as_u64().unwrap();
        if generation == 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(generation, 2, "the early SIGHUP reloaded the engine");
}
