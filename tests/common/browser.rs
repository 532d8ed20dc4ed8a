//! Real viewers for the tests that open saywhen's output the way a person
//! would: headless Chromium, and web apps installed with npm. Each is
//! optional on a developer's machine: the tests that need one are
//! `#[ignore]`d with what they need, and `.ci/run` installs the tools and
//! runs them with `--ignored`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The first Chromium found on the `PATH`.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Where `.ci/run` installs the npm packages the browser tests load:
/// `$SAYWHEN_NPM_CACHE`, else `$HOME/.cache/saywhen-ci`.
pub fn npm_cache() -> Option<PathBuf> {
    std::env::var_os("SAYWHEN_NPM_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/saywhen-ci")))
}

/// An npm package's folder in the cache, if it is installed there.
pub fn npm_package(name: &str) -> Option<PathBuf> {
    let dir = npm_cache()?.join("node_modules").join(name);
    dir.join("package.json").is_file().then_some(dir)
}

/// Loads `url` in headless Chromium, lets its scripts run for up to
/// `budget` of virtual time, and returns the DOM as it is then.
pub fn dump_dom(chromium: &str, url: &str, scratch: &Path, budget: Duration) -> String {
    let args = ["--dump-dom".to_string()];
    let output = load(chromium, url, scratch, budget, &args, Stdio::piped());
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// Takes a screenshot of `url` into `png`, after `budget` of virtual time.
pub fn screenshot(chromium: &str, url: &str, scratch: &Path, budget: Duration, png: &Path) {
    screenshot_sized(chromium, url, scratch, budget, png, (1200, 800));
}

/// [`screenshot`] in a `width` × `height` window.
pub fn screenshot_sized(
    chromium: &str,
    url: &str,
    scratch: &Path,
    budget: Duration,
    png: &Path,
    (width, height): (u32, u32),
) {
    let args = [
        format!("--window-size={width},{height}"),
        format!("--screenshot={}", png.display()),
    ];
    load(chromium, url, scratch, budget, &args, Stdio::null());
}

/// What a page left once its scripts ran: the DOM, and every line its
/// console printed (errors, a blocked request, `console.log`).
pub struct Loaded {
    pub dom: String,
    pub console: Vec<String>,
}

/// Loads `url` in a `width` × `height` window, lets its scripts run for
/// up to `budget` of virtual time, and returns the DOM and the console.
pub fn load_logged(
    chromium: &str,
    url: &str,
    scratch: &Path,
    budget: Duration,
    (width, height): (u32, u32),
) -> Loaded {
    let mut cmd = headless(chromium, scratch);
    cmd.arg(format!("--virtual-time-budget={}", budget.as_millis()))
        .args([
            "--dump-dom",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--window-size={width},{height}"),
        ])
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("chromium starts");
    let stderr = child.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut bytes = Vec::new();
            let _ = stderr.read_to_end(&mut bytes);
            bytes
        })
    });
    let output = wait(child);
    assert!(
        output.status.success(),
        "chromium failed: {:?}",
        output.status
    );
    let log = stderr
        .map(|r| r.join().expect("the reader thread"))
        .unwrap_or_default();
    Loaded {
        dom: String::from_utf8(output.stdout).expect("the DOM is UTF-8"),
        console: String::from_utf8_lossy(&log)
            .lines()
            .filter(|line| line.contains(":CONSOLE"))
            .map(str::to_owned)
            .collect(),
    }
}

/// Loads `url` in headless Chromium with `args`, for up to `budget` of
/// virtual time; the test fails if Chromium does.
fn load(
    chromium: &str,
    url: &str,
    scratch: &Path,
    budget: Duration,
    args: &[String],
    stdout: Stdio,
) -> std::process::Output {
    let child = headless(chromium, scratch)
        .arg(format!("--virtual-time-budget={}", budget.as_millis()))
        .args(args)
        .arg(url)
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let output = wait(child);
    assert!(
        output.status.success(),
        "chromium failed: {:?}",
        output.status
    );
    output
}

fn headless(chromium: &str, scratch: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // The web apps draw with WebGL; without a GPU, Chromium's software
        // renderer must be allowed explicitly.
        "--enable-unsafe-swiftshader",
        // file:// pages loading other local files (a profile, a script).
        "--allow-file-access-from-files",
    ])
    .arg(format!(
        "--user-data-dir={}",
        scratch.join("profile").display()
    ));
    cmd
}

/// Waits for Chromium, killing it after a minute: a hung browser must
/// fail the test, not hang the suite. stdout is read meanwhile, on a
/// thread, so a large DOM cannot fill the pipe and stall the browser.
fn wait(mut child: std::process::Child) -> std::process::Output {
    use std::io::Read;
    let reader = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            bytes
        })
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium can be waited for") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = reader
        .map(|r| r.join().expect("the reader thread"))
        .unwrap_or_default();
    std::process::Output {
        status,
        stdout,
        stderr: Vec::new(),
    }
}

/// A fresh, empty directory under the system temporary directory,
/// removed when dropped (a browser profile weighs megabytes) unless
/// `SAYWHEN_KEEP_SCREENSHOTS` is set, to look at what was made.
pub fn scratch(name: &str) -> Scratch {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "saywhen-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    Scratch(dir)
}

/// See [`scratch`].
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("SAYWHEN_KEEP_SCREENSHOTS").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
