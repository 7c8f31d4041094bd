//! P256VERIFY and SCHNORRVERIFY precompiles for revm-based chains settled on Bitcoin.
#![no_std]
