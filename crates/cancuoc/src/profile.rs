//! Document profiles: what a particular issuer puts on its chips, above the generic LDS.

pub mod cccd;
pub mod key_input;
