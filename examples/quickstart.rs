//! Retry a TCP connect to a server that comes up late, on loopback.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! The server thread binds its port only after 600 ms; until then every connect is refused and
//! `retry!` waits (100 ms, 200 ms, 400 ms, ... plus up to 100 ms of jitter) between tries,
//! printing each scheduled retry.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use stamina::RetryDetails;

fn main() -> io::Result<()> {
    // Find a free port, then give it back: the server will take it again, late.
    let addr: SocketAddr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?;
    let server = thread::spawn(move || serve_late(addr, Duration::from_millis(600)));

    let started = Instant::now();
    let mut stream = stamina::retry!(
        on = io::ErrorKind::ConnectionRefused,
        attempts = 10,
        timeout = Duration::from_secs(10),
        wait_jitter = Duration::from_millis(100),
        name = "connect",
        on_retry = |d: &RetryDetails<'_, io::Error>| println!(
            "retry #{} of {} in {:?} (waited {:?} so far): {}",
            d.retry_num, d.name, d.wait_for, d.waited_so_far, d.error
        ),
        TcpStream::connect(addr)
    )?;
    println!("connected to {addr} after {:?}", started.elapsed());

    stream.write_all(b"hello\n")?;
    let mut reply = String::new();
    BufReader::new(&stream).read_line(&mut reply)?;
    println!("server replied: {}", reply.trim_end());
    server.join().expect("server thread panicked")
}

/// Waits `delay`, then accepts one connection and answers one line.
fn serve_late(addr: SocketAddr, delay: Duration) -> io::Result<()> {
    thread::sleep(delay);
    let listener = TcpListener::bind(addr)?;
    let (stream, _) = listener.accept()?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    (&stream).write_all(format!("ack {}", line).as_bytes())
}
