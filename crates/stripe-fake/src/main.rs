//! `versapos-stripe-fake [--port N]`: runs the fake Stripe on 127.0.0.1 until killed, and prints
//! `listening on http://127.0.0.1:PORT` once it accepts connections.

use std::io::Write;
use std::process::ExitCode;

use versapos_stripe_fake::FakeStripe;

fn parse_port(args: &[String]) -> Result<u16, String> {
    let mut port = 0;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let value = if let Some(v) = arg.strip_prefix("--port=") {
            v.to_string()
        } else if arg == "--port" {
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| "--port needs a value".to_string())?
        } else {
            return Err(format!(
                "unknown argument '{arg}' (usage: versapos-stripe-fake [--port N])"
            ));
        };
        port = value
            .parse::<u16>()
            .map_err(|_| format!("--port must be a number from 0 to 65535, not '{value}'"))?;
        i += 1;
    }
    Ok(port)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match parse_port(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("versapos-stripe-fake: {e}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeStripe::start_on(port) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("versapos-stripe-fake: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    if writeln!(out, "listening on {}", fake.url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(1);
    }
    loop {
        std::thread::park();
    }
}
