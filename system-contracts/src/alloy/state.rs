//! [`state_changes`]: a block's revm [`State`] as one commit for the database below it.

use revm::database::State;
use revm::database_interface::Database;
use revm::primitives::{AddressMap, U256};
use revm::state::{Account, EvmStorageSlot, TransactionId};

/// What a block's [`State`] (the per-block cache a node puts over its database, as in
/// `docs/integration.md`) changed, as one
/// [`DatabaseCommit::commit`](revm::database_interface::DatabaseCommit::commit) for the
/// database below it: every account the block modified with its new info and the slots the
/// cache holds for it, a destroyed-and-recreated account marked created (its old storage
/// cleared), a destroyed one self-destructed. Accounts the block only read are left out.
///
/// For a chain kept in a [`DatabaseCommit`](revm::database_interface::DatabaseCommit)
/// database (revm's `CacheDB`, a devnet, a test harness); a node writing reth's bundle state
/// takes the `State`'s bundle instead. A failed block's `State` is dropped, not committed.
pub fn state_changes<DB: Database>(state: &State<DB>) -> AddressMap<Account> {
    let mut out = AddressMap::default();
    for (address, cached) in &state.cache.accounts {
        if cached.status.is_not_modified() {
            continue;
        }
        let mut account = Account::default();
        match &cached.account {
            Some(plain) => {
                account.info = plain.info.clone();
                account.storage = plain
                    .storage
                    .iter()
                    .map(|(k, v)| {
                        (
                            *k,
                            EvmStorageSlot::new_changed(U256::ZERO, *v, TransactionId::ZERO),
                        )
                    })
                    .collect();
                if cached.status.was_destroyed() {
                    account.mark_created();
                }
            }
            None => account.mark_selfdestruct(),
        }
        account.mark_touch();
        out.insert(*address, account);
    }
    out
}
