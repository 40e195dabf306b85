//! VersaTalent POS receipt printers: turns a laid-out receipt
//! ([`versapos_core::receipt::Line`]) into ESC/POS bytes for one printer family and sends them
//! over one transport, named by an address.
