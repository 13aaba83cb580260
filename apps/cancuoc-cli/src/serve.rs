//! `cancuoc serve`: the local endpoint for web hospital and bank systems
//! (`cancuoc-agent`, `docs/DESIGN.md` §3.5), on the desk's PC/SC readers or, with `--demo`,
//! on the built-in virtual CCCD.

use std::process::ExitCode;

use cancuoc_agent::config;
use cancuoc_agent::{Agent, Settings};
use cancuoc_kit::cards::{Cards, PcscCards};
use cancuoc_kit::demo::DemoCards;

use crate::ServeArgs;
use crate::console::errln;
use crate::error::CliError;

/// Runs the endpoint until the process is stopped (Ctrl+C).
pub(crate) fn serve(args: &ServeArgs) -> Result<ExitCode, CliError> {
    let dir = config::config_dir()
        .ok_or_else(|| CliError::Usage("no config folder: set HOME (or APPDATA on Windows)".to_owned()))?;
    let io = |what: &str, e: std::io::Error| CliError::Io(format!("{what} in {}: {e}", dir.display()));
    let mut origins = config::read_origins_file(&dir).map_err(CliError::Usage)?;
    for origin in &args.allow_origin {
        origins.push(config::normalize_origin(origin).map_err(|e| CliError::Usage(format!("--allow-origin {e}")))?);
    }
    origins.sort();
    origins.dedup();
    if args.trust.at.is_some() {
        return Err(CliError::Usage(
            "--at is not for serve: the endpoint judges certificates at the instant of each read".to_owned(),
        ));
    }
    let token = config::load_or_create_token(&dir).map_err(|e| io("cannot make agent.token", e))?;
    if let Some(why) = &token.replaced {
        errln!("cancuoc serve: warning: {why} (programs must read the new agent.token)");
    }
    let token = token.value;
    let trust = crate::trust_files::load(&args.trust)?;
    let cards: Box<dyn Cards> = if args.demo { Box::new(DemoCards::default()) } else { Box::new(PcscCards) };
    let settings = Settings {
        port: args.port,
        origins: origins.clone(),
        token,
        reader: args.reader.clone(),
        trust,
        log: Box::new(|line| errln!("cancuoc serve: {line}")),
    };
    let agent = Agent::start(settings, cards).map_err(|e| CliError::Io(e.to_string()))?;
    config::write_port(&dir, agent.port()).map_err(|e| io("cannot write agent.port", e))?;
    errln!(
        "cancuoc serve: listening on http://127.0.0.1:{} (port written to {})",
        agent.port(),
        dir.join("agent.port").display()
    );
    if args.demo {
        errln!("cancuoc serve: --demo: reading the built-in virtual CCCD (ID 001090012345), not a real card");
    }
    if origins.is_empty() {
        errln!(
            "cancuoc serve: no web page may read (give --allow-origin, or list origins in agent.origins); programs use the token in agent.token"
        );
    }
    for origin in &origins {
        if origin.starts_with("http://") {
            errln!(
                "cancuoc serve: warning: {origin} is plain http: anyone on its network path can change that page — prefer https"
            );
        } else {
            errln!("cancuoc serve: allowed: {origin}");
        }
    }
    loop {
        std::thread::park();
    }
}
