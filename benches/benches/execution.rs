//! Block execution (`docs/benchmarks.md`, section "Execution"):
//!
//! - `execute_block/N`: one L2 block — the system calls of a newly finalized Bitcoin block
//!   (`setBlockInfo`) and 100 transfers between random accounts — through
//!   `BtcEvm::execute_block`, against a state of N funded accounts (10^4, 10^5, 10^6). The
//!   block reaches the database in one commit; nothing is copied, so the time should not grow
//!   with N.
//! - `user_txs/*`: the same 100 transfers, on the same database type, a fresh EVM per block
//!   built inside the timing for every row, in two commit patterns:
//!   - one commit per transaction: alloy-evm's plain `EthEvm` (`transact_commit`), the EVM of
//!     our `BtcEvmFactory` (fee routing, our precompiles; without and with an L1 fee), and our
//!     `BtcBlockExecutor` (alloy-evm's block-executor trait: block rules, receipts);
//!   - the block in revm's journal, one commit at its end: `EthEvm` (`transact_one` for each
//!     transaction, then `finalize` and one commit) and `BtcEvm::execute_txs` (block rules,
//!     receipts; without and with an L1 fee).
//!
//! - `db_reads/N`: the database's own share: 200 reads of random funded accounts from the same
//!   `CacheDB` of N accounts, nothing executed.
//!
//! `BTC_EVM_BENCH_QUICK=1` (CI) measures only 10^4 accounts with short runs. Run through
//! `scripts/bench-execution.sh`, which writes the section of `docs/benchmarks.md`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use alloy_consensus::transaction::Recovered;
use alloy_consensus::TxEnvelope;
use alloy_evm::block::BlockExecutor;
use alloy_evm::eth::receipt_builder::AlloyReceiptBuilder;
use alloy_evm::eth::spec::EthSpec;
use alloy_evm::eth::{EthBlockExecutionCtx, EthBlockExecutor};
use alloy_evm::{Evm, EvmEnv, EvmFactory};
use bitcoin::block::Header;
use bitcoin::BlockHash;
use btc_evm_system_contracts::alloy::BtcEvmFactory;
use btc_evm_system_contracts::alloy::{BtcBlockExecutor, BtcExecutionCtx};
use btc_evm_system_contracts::bitcoin::params::ChainParams;
use btc_evm_system_contracts::bitcoin::script::ScriptTemplate;
use btc_evm_system_contracts::evm::{
    BlockTx, BridgeInit, BtcEvm, ChainConfig, PerByteL1Fee, SystemInputs,
};
use btc_evm_system_contracts::genesis::{Genesis, GenesisConfig};
use btc_evm_system_contracts::light_client::{Anchor, HeaderChain};
use btc_evm_system_contracts::regtest::{mine_block, placeholder_envelope, DepositSigner};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
};
use revm::context::{BlockEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::DatabaseCommit;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, TxKind, B256, U256};
use revm::state::AccountInfo;
use revm::ExecuteEvm;

/// Transfers per block.
const TRANSFERS: usize = 100;
const BASEFEE: u64 = 1_000_000_000;
const PRIORITY: u128 = 1_000_000;

fn quick() -> bool {
    std::env::var_os("BTC_EVM_BENCH_QUICK").is_some_and(|v| v == "1")
}

/// The benchmark group `name`: `samples` samples after 1 s of warm-up, measured for
/// `measurement`; in quick mode 10 samples, 200 ms of warm-up and 1 s of measurement.
fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    samples: usize,
    measurement: Duration,
) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    if quick() {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1));
    } else {
        group
            .sample_size(samples)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(measurement);
    }
    group
}

/// The address of funded account `i`.
fn account(i: u64) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xaa;
    bytes[12..].copy_from_slice(&i.to_be_bytes());
    Address::new(bytes)
}

/// A small deterministic generator (SplitMix64) picking accounts.
struct Picker(u64);

impl Picker {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

/// The genesis state plus `n` accounts of 100 coins each.
fn state(genesis: &Genesis, n: u64) -> CacheDB<EmptyDB> {
    let mut db = genesis.database();
    let balance = U256::from(100u128 * 10u128.pow(18));
    for i in 0..n {
        db.insert_account_info(
            account(i),
            AccountInfo {
                balance,
                ..AccountInfo::default()
            },
        );
    }
    db
}

fn transfer(from: Address, to: Address, nonce: u64, chain_id: u64) -> TxEnv {
    TxEnv {
        tx_type: 2,
        caller: from,
        gas_limit: 21_000,
        gas_price: u128::from(BASEFEE) + PRIORITY,
        gas_priority_fee: Some(PRIORITY),
        kind: TxKind::Call(to),
        value: U256::from(1_000),
        nonce,
        chain_id: Some(chain_id),
        ..TxEnv::default()
    }
}

/// A chain of `n` accounts whose light client is started, with a regtest header chain
/// producing one finalized Bitcoin block per L2 block.
struct Bench {
    evm: BtcEvm<CacheDB<EmptyDB>>,
    headers: HeaderChain,
    tip: (BlockHash, u32, u32),
    l2: u64,
    n: u64,
    picker: Picker,
}

impl Bench {
    fn new(n: u64) -> Bench {
        let genesis = Genesis::new(&GenesisConfig::default()).expect("genesis");
        let signer = DepositSigner::from_secret(&[7u8; 32]).expect("key");
        let template = ScriptTemplate::deposit(&signer.aggregated_key());
        let config = genesis.config();
        let evm = BtcEvm::builder(state(&genesis, n))
            .config(ChainConfig {
                chain_id: config.chain_id,
                block_gas_limit: config.gas_limit,
                ..ChainConfig::default()
            })
            .bridge_init(BridgeInit {
                deposit_prefix: template.prefix.clone(),
                deposit_suffix: template.suffix.clone(),
                deposit_amount: U256::from(10u128.pow(18)),
            })
            .build();
        let regtest = bitcoin::blockdata::constants::genesis_block(bitcoin::Network::Regtest);
        let mut headers =
            HeaderChain::new(ChainParams::REGTEST, &Anchor::new(0, regtest.header), 0)
                .expect("header chain");
        let _ = headers.take_final();
        let mut bench = Bench {
            evm,
            headers,
            tip: (regtest.block_hash(), 0, regtest.header.time),
            l2: 0,
            n,
            picker: Picker(n),
        };
        // The first block starts the light client and the Bridge.
        let (env, inputs, _) = bench.next_block(0);
        let outcome = bench
            .evm
            .execute_block(env, &inputs, Vec::new())
            .expect("first block");
        assert_eq!(outcome.receipts.len(), 3);
        bench
    }

    /// The next L2 block: one new finalized Bitcoin block and `transfers` transfers.
    fn next_block(&mut self, transfers: usize) -> (BlockEnv, SystemInputs, Vec<TxEnv>) {
        let (prev, height, time) = self.tip;
        let block = mine_block(prev, height + 1, time + 600, Vec::new()).expect("mine");
        let header: Header = block.header;
        self.headers.accept(&header).expect("header");
        self.tip = (block.block_hash(), height + 1, header.time);
        let blocks = self
            .headers
            .take_final()
            .into_iter()
            .map(|f| f.block_info(&block).expect("block info"))
            .collect();
        self.l2 += 1;
        let env = self
            .evm
            .block_env(self.l2, 1_700_000_000 + self.l2 * 2, BASEFEE);
        let chain_id = self.evm.config().chain_id;
        let mut txs = Vec::with_capacity(transfers);
        let mut used = std::collections::HashSet::new();
        while txs.len() < transfers {
            let from = self.picker.next(self.n);
            if !used.insert(from) {
                continue;
            }
            let to = account(self.picker.next(self.n));
            let from = account(from);
            let nonce = self.evm.nonce(from).expect("nonce");
            txs.push(transfer(from, to, nonce, chain_id));
        }
        (
            env,
            SystemInputs {
                blocks,
                deposits: Vec::new(),
            },
            txs,
        )
    }
}

fn execute_block(c: &mut Criterion) {
    let sizes: &[u64] = if quick() {
        &[10_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    let mut group = group(c, "execute_block", 30, Duration::from_secs(5));
    for &n in sizes {
        let mut bench = Bench::new(n);
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (env, inputs, txs) = bench.next_block(TRANSFERS);
                    let start = Instant::now();
                    let outcome = bench.evm.execute_block(env, &inputs, txs).expect("block");
                    total += start.elapsed();
                    assert_eq!(
                        outcome.receipts.len(),
                        1 + TRANSFERS,
                        "{:?}",
                        outcome.rejected
                    );
                    black_box(outcome);
                }
                total
            })
        });
    }
    group.finish();
}

/// The inputs every `user_txs` row starts from: the funded state, the block's transfers and
/// the EVM environment.
struct UserTxs<'a> {
    db: &'a CacheDB<EmptyDB>,
    txs: &'a [TxEnv],
    env: &'a EvmEnv,
}

impl UserTxs<'_> {
    /// Row `name`: a fresh EVM from `factory`, one `transact_commit` per transaction.
    fn commit_each<F>(&self, group: &mut BenchmarkGroup<'_, WallTime>, name: &str, factory: F)
    where
        F: EvmFactory<Tx = TxEnv, Spec = SpecId, BlockEnv = BlockEnv>,
    {
        group.bench_function(name, |b| {
            b.iter_batched(
                || (self.db.clone(), self.txs.to_vec()),
                |(db, txs)| {
                    let mut evm = factory.create_evm(db, self.env.clone());
                    for tx in txs {
                        assert!(evm.transact_commit(tx).expect("tx").is_success());
                    }
                    evm
                },
                BatchSize::LargeInput,
            )
        });
    }
}

fn user_txs(c: &mut Criterion) {
    const N: u64 = 1_000;
    let genesis = Genesis::new(&GenesisConfig::default()).expect("genesis");
    let db = state(&genesis, N);
    let chain_id = genesis.config().chain_id;
    let mut picker = Picker(1);
    let txs: Vec<TxEnv> = (0..TRANSFERS as u64)
        .map(|i| transfer(account(i), account(picker.next(N)), 0, chain_id))
        .collect();
    let config = ChainConfig {
        chain_id,
        ..ChainConfig::default()
    };
    let block = config.block_env(1, 1_700_000_000, BASEFEE);
    let env = config.evm_env(block.clone());

    let mut group = group(c, "user_txs", 50, Duration::from_secs(5));
    let rows = UserTxs {
        db: &db,
        txs: &txs,
        env: &env,
    };
    rows.commit_each(&mut group, "eth_evm", alloy_evm::EthEvmFactory::default());
    rows.commit_each(&mut group, "btc_alloy_evm", BtcEvmFactory::default());
    rows.commit_each(
        &mut group,
        "btc_alloy_evm_l1",
        BtcEvmFactory::default().with_l1_fee_model(PerByteL1Fee::new(U256::from(1_000u64))),
    );
    group.bench_function("btc_block_executor", |b| {
        let factory = BtcEvmFactory::default();
        b.iter_batched(
            || (db.clone(), txs.clone()),
            |(db, txs)| {
                let evm = factory.create_evm(db, env.clone());
                let mut executor = BtcBlockExecutor::new(evm, BtcExecutionCtx::default());
                for tx in txs {
                    let result = executor.run_user_tx(tx).expect("tx").expect("included");
                    executor.commit_user_tx(result);
                }
                let (evm, outcome) = executor.finish_outcome();
                assert_eq!(outcome.receipts.len(), TRANSFERS);
                evm
            },
            BatchSize::LargeInput,
        )
    });
    // The same transfers as a node gets them, signed transactions, through alloy-evm's
    // `BlockExecutor::execute_transaction`: Ethereum's executor and ours.
    let signed: Vec<TxEnvelope> = txs.iter().map(placeholder_envelope).collect();
    group.bench_function("eth_block_executor", |b| {
        let factory = alloy_evm::EthEvmFactory::default();
        b.iter_batched(
            || db.clone(),
            |db| {
                let evm = factory.create_evm(db, env.clone());
                let ctx = EthBlockExecutionCtx {
                    parent_hash: B256::ZERO,
                    parent_beacon_block_root: None,
                    ommers: &[],
                    withdrawals: None,
                    extra_data: Default::default(),
                    tx_count_hint: Some(TRANSFERS),
                    slot_number: None,
                };
                let mut executor = EthBlockExecutor::new(
                    evm,
                    ctx,
                    EthSpec::mainnet(),
                    AlloyReceiptBuilder::default(),
                );
                for (tx, signed) in txs.iter().zip(&signed) {
                    let recovered = Recovered::new_unchecked(signed, tx.caller);
                    executor.execute_transaction(recovered).expect("tx");
                }
                assert_eq!(executor.receipts().len(), TRANSFERS);
                executor
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("btc_block_executor_signed", |b| {
        let factory = BtcEvmFactory::default();
        b.iter_batched(
            || db.clone(),
            |db| {
                let evm = factory.create_evm(db, env.clone());
                let mut executor = BtcBlockExecutor::new(evm, BtcExecutionCtx::default());
                for (tx, signed) in txs.iter().zip(&signed) {
                    let recovered = Recovered::new_unchecked(signed, tx.caller);
                    executor.execute_transaction(recovered).expect("tx");
                }
                assert_eq!(executor.receipts().len(), TRANSFERS);
                executor
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("eth_evm_block", |b| {
        let factory = alloy_evm::EthEvmFactory::default();
        b.iter_batched(
            || (db.clone(), txs.clone()),
            |(db, txs)| {
                // The revm EVM inside `EthEvm`, for `transact_one` and `finalize`.
                let mut evm = factory.create_evm(db, env.clone()).into_inner();
                for tx in txs {
                    assert!(evm.transact_one(tx).expect("tx").is_success());
                }
                let state = evm.finalize();
                evm.ctx.journaled_state.database.commit(state);
                evm
            },
            BatchSize::LargeInput,
        )
    });
    for (name, rate) in [("btc_evm", 0u64), ("btc_evm_l1", 1_000)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                // The transactions in `execute_txs`'s input type, made outside the timing
                // as the other rows' inputs are.
                || {
                    let txs: Vec<BlockTx> = txs.iter().cloned().map(BlockTx::User).collect();
                    (db.clone(), txs)
                },
                |(db, txs)| {
                    let mut evm = BtcEvm::builder(db)
                        .config(config)
                        .l1_fee_model(PerByteL1Fee::new(U256::from(rate)))
                        .build();
                    let outcome = evm.execute_txs(block.clone(), txs).expect("block");
                    assert_eq!(outcome.receipts.len(), TRANSFERS);
                    evm
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The database's own share of a block: 200 reads of random funded accounts (as many as the
/// block's 100 transfers touch) from the same `CacheDB` of N accounts, nothing executed.
fn db_reads(c: &mut Criterion) {
    let sizes: &[u64] = if quick() {
        &[10_000]
    } else {
        &[10_000, 1_000_000]
    };
    let mut group = group(c, "db_reads", 30, Duration::from_secs(3));
    let genesis = Genesis::new(&GenesisConfig::default()).expect("genesis");
    for &n in sizes {
        let mut db = state(&genesis, n);
        let mut picker = Picker(n ^ 0x5eed);
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let addresses: Vec<Address> = (0..2 * TRANSFERS)
                        .map(|_| account(picker.next(n)))
                        .collect();
                    let start = Instant::now();
                    for address in addresses {
                        black_box(revm::Database::basic(&mut db, address).expect("read"));
                    }
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, execute_block, user_txs, db_reads);
criterion_main!(benches);
