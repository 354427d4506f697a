//! A scripted HTTP/1.1 server on loopback: a std thread answers each connection with the next
//! canned response, then closes it (`Connection: close`, so each request is a new connection).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

/// A canned response: the status line's code and reason, extra headers, and a body.
pub fn response(status: &str, headers: &[&str], body: &str) -> String {
    let mut r = format!("HTTP/1.1 {status}\r\n");
    for h in headers {
        r.push_str(h);
        r.push_str("\r\n");
    }
    r.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    r
}

pub struct Server {
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
    requests: Arc<Mutex<Vec<Instant>>>,
}

impl Server {
    /// Serves `script` in order, one response per connection, on an ephemeral loopback port.
    /// Once the script is done the listener closes, and later connections are refused.
    pub fn start(script: Vec<String>) -> Server {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        thread::spawn(move || {
            for response in script {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                // The request head, up to the blank line (a GET has no body).
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                        break;
                    }
                }
                log.lock().unwrap().push(Instant::now());
                let mut stream = reader.into_inner();
                stream.write_all(response.as_bytes())?;
                stream.flush()?;
            }
            Ok::<(), io::Error>(())
        });
        Server { url, requests }
    }

    /// When each request arrived.
    pub fn requests(&self) -> Vec<Instant> {
        self.requests.lock().unwrap().clone()
    }
}
