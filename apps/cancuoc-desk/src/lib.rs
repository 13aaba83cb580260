//! # cancuoc-desk
//!
//! The desk app for clinic check-in desks and bank tellers: type (or scan) the ID number, read
//! the card, see who it is and whether the card is genuine, in Vietnamese by default. Built on
//! the core library only; the card is read off the UI thread.

pub mod app;
pub mod presence;
pub mod print;
pub mod settings;
pub mod text;
pub mod worker;

pub use app::{DeskApp, Options, Screenshot};
