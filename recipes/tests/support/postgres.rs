//! A throwaway PostgreSQL cluster on a free loopback port, for one test.
//!
//! The server's binaries are found on `PATH`, else in Debian's `/usr/lib/postgresql/*/bin`
//! (where `apt-get install postgresql` puts them, off `PATH`). `initdb` and `postgres` refuse
//! to run as root: as root (CI), they run as the `postgres` user (which Debian's package
//! creates), in a directory owned by it.

use std::fs::{self, File};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub struct Postgres {
    /// The server's binaries.
    bin: PathBuf,
    /// Everything of this cluster: `data/`, the socket, `postgres.log`.
    dir: PathBuf,
    /// Who runs the server: `Some((uid, gid))` of `postgres` when this process is root.
    user: Option<(u32, u32)>,
    port: u16,
    server: Option<Child>,
}

impl Postgres {
    /// A new cluster, initialised but not started; superuser `postgres`, no password.
    pub fn init() -> Postgres {
        static N: AtomicU32 = AtomicU32::new(0);
        let bin = server_bin_dir();
        let dir = std::env::temp_dir().join(format!(
            "stamina-recipes-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let user = if id(&["-u"]) == 0 {
            let uid = id(&["-u", "postgres"]);
            let gid = id(&["-g", "postgres"]);
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
            Some((uid, gid))
        } else {
            None
        };
        let pg = Postgres {
            bin,
            dir,
            user,
            port: free_port(),
            server: None,
        };
        let data = pg.dir.join("data");
        let out = pg
            .command("initdb")
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "-N",
                "-D",
            ])
            .arg(&data)
            .output()
            .unwrap();
        check("initdb", &out);
        pg
    }

    /// Starts the server in the background; it accepts connections a moment later.
    pub fn start(&mut self) {
        self.start_with(&[]);
    }

    fn start_with(&mut self, settings: &[&str]) {
        assert!(self.server.is_none(), "already started");
        let log = File::create(self.dir.join("postgres.log")).unwrap();
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .arg("-k")
            .arg(&self.dir)
            // A test database: nothing to keep after a crash.
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .args(settings)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.server = Some(child);
    }

    /// Starts the server as a standby with hot standby off: it stays in recovery, and answers
    /// every connection `57P03 the database system is not accepting connections` until
    /// [`promote`](Self::promote).
    pub fn start_standby(&mut self) {
        let signal = self.dir.join("data").join("standby.signal");
        File::create(&signal).unwrap();
        if let Some((uid, gid)) = self.user {
            std::os::unix::fs::chown(&signal, Some(uid), Some(gid)).unwrap();
        }
        self.start_with(&["-c", "hot_standby=off"]);
    }

    /// Ends the standby's recovery: from then on it accepts connections.
    pub fn promote(&self) {
        let out = self
            .command("pg_ctl")
            .args(["promote", "-w", "-D"])
            .arg(self.dir.join("data"))
            .output()
            .unwrap();
        check("pg_ctl promote", &out);
    }

    /// A client configuration for `dbname`, on loopback TCP.
    pub fn config(&self, dbname: &str) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host("127.0.0.1")
            .port(self.port)
            .user("postgres")
            .dbname(dbname)
            .connect_timeout(Duration::from_secs(5));
        config
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default()
    }

    /// A command for one of the server's binaries, as the user that may run it.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        // The user `postgres` may not be able to enter this process's working directory.
        command.current_dir(&self.dir);
        if let Some((uid, gid)) = self.user {
            command.uid(uid).gid(gid);
        }
        command
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let stopped = self
                .command("pg_ctl")
                .args(["stop", "-m", "immediate", "-w", "-D"])
                .arg(self.dir.join("data"))
                .output();
            if !stopped.is_ok_and(|out| out.status.success()) {
                let _ = server.kill();
            }
            let _ = server.wait();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The directory of `postgres`, `initdb` and `pg_ctl`.
fn server_bin_dir() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|dir| is_server_dir(dir)) {
        return dir;
    }
    // Debian: /usr/lib/postgresql/<major>/bin, the newest major.
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .filter(|(_, dir)| is_server_dir(dir))
        .collect();
    debian.sort();
    match debian.pop() {
        Some((_, dir)) => dir,
        None => panic!(
            "PostgreSQL's server binaries (postgres, initdb, pg_ctl) are neither on PATH nor in \
             /usr/lib/postgresql/*/bin: install them (Debian: apt-get install postgresql)"
        ),
    }
}

fn is_server_dir(dir: &Path) -> bool {
    ["postgres", "initdb", "pg_ctl"]
        .iter()
        .all(|program| dir.join(program).is_file())
}

/// `id ARGS`: a user or group id.
fn id(args: &[&str]) -> u32 {
    let out = Command::new("id").args(args).output().unwrap();
    check(&format!("id {}", args.join(" ")), &out);
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn check(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
