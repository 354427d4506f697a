//! A blocking client retrying `TcpStream::connect` to a server that starts late, on loopback.
//!
//! ```text
//! cargo run --example tcp_connect
//! ```
//!
//! The server thread binds its port only after 300 ms; until then every connect is refused
//! (`ConnectionRefused`, the only error retried here) and `retry!` waits 50 ms, 100 ms,
//! 200 ms, ... plus up to 20 ms of jitter between tries, printing each scheduled retry. Once
//! connected, the client reads the server's greeting. Exits non-zero unless at least one retry
//! happened and the greeting is `hello`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process;
use std::thread;
use std::time::{Duration, Instant};

use stamina::RetryDetails;

/// How long the server waits before it binds its port.
const SERVER_DELAY: Duration = Duration::from_millis(300);

fn main() -> io::Result<()> {
    // Reserve a free port, then give it back: the server takes it again, late.
    let addr: SocketAddr = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?;
    println!("server will listen on {addr} in {SERVER_DELAY:?}");
    let server = thread::spawn(move || serve_late(addr, SERVER_DELAY));

    let started = Instant::now();
    let mut retries = 0u32;
    let stream = stamina::retry!(
        on = io::ErrorKind::ConnectionRefused,
        wait_initial = Duration::from_millis(50),
        wait_jitter = Duration::from_millis(20),
        timeout = Duration::from_secs(5),
        on_retry = |d: &RetryDetails<'_, io::Error>| {
            retries += 1;
            println!(
                "retry #{} in {:?} (waited {:?} so far): {}",
                d.retry_num, d.wait_for, d.waited_so_far, d.error
            );
        },
        TcpStream::connect(addr)
    )?;
    println!("connected to {addr} after {:?}", started.elapsed());

    let mut greeting = String::new();
    BufReader::new(&stream).read_line(&mut greeting)?;
    let greeting = greeting.trim_end();
    println!("server says: {greeting}");
    println!("retries: {retries}");
    server.join().expect("server thread panicked")?;

    if retries == 0 {
        eprintln!("error: expected at least one retry before the server came up");
        process::exit(1);
    }
    if greeting != "hello" {
        eprintln!("error: expected the greeting \"hello\", got {greeting:?}");
        process::exit(1);
    }
    Ok(())
}

/// Waits `delay`, then binds `addr`, accepts one connection and greets it.
fn serve_late(addr: SocketAddr, delay: Duration) -> io::Result<()> {
    thread::sleep(delay);
    let listener = TcpListener::bind(addr)?;
    println!("server: listening on {addr}");
    let (mut stream, peer) = listener.accept()?;
    println!("server: accepted {peer}");
    stream.write_all(b"hello\n")
}
