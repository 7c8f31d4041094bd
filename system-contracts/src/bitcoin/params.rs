//! Network parameters as data, after Bitcoin Core's `chainparams.cpp` and BIP94
//! (`spec/bitcoin.md` §Headers).
//!
//! The proof-of-work limits are the largest targets a compact `bits` field can express
//! within Bitcoin Core's `powLimit`: no compact value lies strictly between the two, so
//! comparing against these is the same rule.

use bitcoin::{CompactTarget, Network, Target};

/// Consensus rules of one network that header validation depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainParams {
    /// The network these parameters describe.
    pub network: Network,
    /// Largest allowed target (lowest difficulty).
    pub pow_limit: Target,
    /// `pow_limit` in compact form: the bits of a minimum-difficulty block.
    pub pow_limit_bits: u32,
    /// Intended time between blocks in seconds (600).
    pub target_spacing: u32,
    /// Intended duration of one retarget period in seconds (1 209 600 = two weeks).
    pub target_timespan: u32,
    /// Blocks per retarget period (2016).
    pub retarget_interval: u32,
    /// No retargeting at all (regtest).
    pub no_retargeting: bool,
    /// A block timestamped more than `2 × target_spacing` after its parent must use the
    /// limit; other blocks inherit the bits of the last non-minimum-difficulty block of the
    /// period (testnet3, testnet4, regtest).
    pub allow_min_difficulty_blocks: bool,
    /// BIP94 (testnet4): retarget from the period's first block and the time-warp fix.
    pub enforce_bip94: bool,
    /// BIP94's time-warp allowance: how far (seconds) the first block of a period may be
    /// timestamped before its parent.
    pub max_timewarp: u32,
    /// How far (seconds) a block may be timestamped after "now" when a clock is supplied.
    pub max_future_block_time: u32,
}

impl ChainParams {
    /// Bitcoin mainnet.
    pub const MAINNET: ChainParams = ChainParams {
        network: Network::Bitcoin,
        pow_limit: Target::MAX_ATTAINABLE_MAINNET,
        pow_limit_bits: 0x1d00_ffff,
        target_spacing: 600,
        target_timespan: 14 * 24 * 60 * 60,
        retarget_interval: 2016,
        no_retargeting: false,
        allow_min_difficulty_blocks: false,
        enforce_bip94: false,
        max_timewarp: 600,
        max_future_block_time: 2 * 60 * 60,
    };

    /// testnet3: mainnet rules plus the 20-minute minimum-difficulty rule.
    pub const TESTNET3: ChainParams = ChainParams {
        network: Network::Testnet,
        allow_min_difficulty_blocks: true,
        ..ChainParams::MAINNET
    };

    /// testnet4: testnet3's rules plus BIP94.
    pub const TESTNET4: ChainParams = ChainParams {
        network: Network::Testnet4,
        allow_min_difficulty_blocks: true,
        enforce_bip94: true,
        ..ChainParams::MAINNET
    };

    /// The default signet: mainnet rules with its own limit. The block signature lives in
    /// the coinbase and cannot be checked from headers.
    pub const SIGNET: ChainParams = ChainParams {
        network: Network::Signet,
        pow_limit: Target::MAX_ATTAINABLE_SIGNET,
        pow_limit_bits: 0x1e03_77ae,
        ..ChainParams::MAINNET
    };

    /// regtest: no retargeting, limit `0x7fffff…`.
    pub const REGTEST: ChainParams = ChainParams {
        network: Network::Regtest,
        pow_limit: Target::MAX_ATTAINABLE_REGTEST,
        pow_limit_bits: 0x207f_ffff,
        no_retargeting: true,
        allow_min_difficulty_blocks: true,
        ..ChainParams::MAINNET
    };

    /// The parameters of `network`.
    pub const fn for_network(network: Network) -> &'static ChainParams {
        match network {
            Network::Bitcoin => &ChainParams::MAINNET,
            Network::Testnet => &ChainParams::TESTNET3,
            Network::Testnet4 => &ChainParams::TESTNET4,
            Network::Signet => &ChainParams::SIGNET,
            Network::Regtest => &ChainParams::REGTEST,
        }
    }

    /// Parses a network name: `mainnet` (or `bitcoin`, `main`), `testnet3` (or `testnet`),
    /// `testnet4`, `signet`, `regtest`.
    pub fn from_name(name: &str) -> Option<&'static ChainParams> {
        let network = match name {
            "mainnet" | "bitcoin" | "main" => Network::Bitcoin,
            "testnet3" | "testnet" | "test" => Network::Testnet,
            "testnet4" => Network::Testnet4,
            "signet" => Network::Signet,
            "regtest" => Network::Regtest,
            _ => return None,
        };
        Some(Self::for_network(network))
    }

    /// The limit in compact form.
    pub fn pow_limit_compact(&self) -> CompactTarget {
        CompactTarget::from_consensus(self.pow_limit_bits)
    }

    /// Whether `height` is the first block of a retarget period.
    pub fn is_period_start(&self, height: u32) -> bool {
        self.retarget_interval != 0 && height.is_multiple_of(self.retarget_interval)
    }

    /// Checks that the parameters are consistent, as Bitcoin Core's unit tests check its own
    /// (`src/test/pow_tests.cpp`, `sanity_check_chainparams`): the timespan is a whole
    /// number of spacings and equals `retarget_interval` of them, `pow_limit_bits` encode
    /// `pow_limit`, and, when retargeting, `pow_limit × 4 × target_timespan` fits in 256
    /// bits (the bound under which Core's retarget arithmetic cannot overflow).
    pub fn check(&self) -> Result<(), ParamsError> {
        if self.target_spacing == 0 || !self.target_timespan.is_multiple_of(self.target_spacing) {
            return Err(ParamsError::Timespan {
                timespan: self.target_timespan,
                spacing: self.target_spacing,
            });
        }
        if self.target_timespan / self.target_spacing != self.retarget_interval {
            return Err(ParamsError::Interval {
                interval: self.retarget_interval,
                expected: self.target_timespan / self.target_spacing,
            });
        }
        if Target::from_compact(self.pow_limit_compact()) != self.pow_limit {
            return Err(ParamsError::LimitBits {
                bits: self.pow_limit_bits,
            });
        }
        if !self.no_retargeting {
            let factor = u64::from(self.target_timespan).saturating_mul(4);
            if !fits_product(&self.pow_limit.to_le_bytes(), factor) {
                return Err(ParamsError::RetargetOverflow {
                    timespan: self.target_timespan,
                });
            }
        }
        Ok(())
    }
}

/// Whether the little-endian 256-bit `value` times `factor` is below 2^256.
fn fits_product(value: &[u8; 32], factor: u64) -> bool {
    let mut carry = 0u128;
    for chunk in value.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let wide = u128::from(u64::from_le_bytes(word)) * u128::from(factor) + carry;
        carry = wide >> 64;
    }
    carry == 0
}

/// Why a [`ChainParams`] value is inconsistent (see [`ChainParams::check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// The spacing is zero or the timespan is not a multiple of it.
    #[error("target timespan {timespan} s is not a positive multiple of the spacing {spacing} s")]
    Timespan {
        /// `target_timespan`.
        timespan: u32,
        /// `target_spacing`.
        spacing: u32,
    },
    /// The retarget interval is not timespan / spacing.
    #[error("retarget interval {interval} is not timespan / spacing = {expected}")]
    Interval {
        /// `retarget_interval`.
        interval: u32,
        /// `target_timespan / target_spacing`.
        expected: u32,
    },
    /// `pow_limit_bits` do not encode `pow_limit`.
    #[error("pow_limit_bits {bits:#010x} do not encode pow_limit")]
    LimitBits {
        /// `pow_limit_bits`.
        bits: u32,
    },
    /// `pow_limit × 4 × target_timespan` does not fit in 256 bits.
    #[error("pow_limit × 4 × {timespan} s does not fit in 256 bits")]
    RetargetOverflow {
        /// `target_timespan`.
        timespan: u32,
    },
}
