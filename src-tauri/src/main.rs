//! The desktop till's entry point; everything else lives in the library so tests can reach it.

// No console window behind the till on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    versatalent_pos::run();
}
