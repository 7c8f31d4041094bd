//! Bitcoin rules, light client and system-contract hooks for revm-based chains settled on Bitcoin.
#![no_std]
