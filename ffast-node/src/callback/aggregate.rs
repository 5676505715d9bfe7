//! Structs and unions by value in callbacks (docs/callbacks.md §4-§7): the dispatcher the
//! entry trampolines of aggregate signatures call instead of [`super::dispatch::dispatch`]
//! (the scalar one gains no branch), and the JS thread's side of such a call queued from a
//! foreign thread.

use super::dispatch::{copy_args, foreign_live, post_call, run_queued, OwnerCall};
use super::invoke::run_js;
use super::service::{on_owner_thread, Item, Live, Request, Service, Slot, AGG_OK, DEFAULT};
use napi::sys;
use std::ffi::CStr;
use std::ptr;
use std::sync::Arc;

/// The entry trampolines of signatures with structs or unions by value call this instead of
/// [`super::dispatch::dispatch`] (docs/callbacks.md §4, §6.2): `slots[..n]` hold the scalar arguments,
/// `slots[n]` the address the result's bytes go to, `slots[n + 1 + k]` the address of
/// aggregate parameter `k`'s bytes. The result is zeroed first, so every early exit (closed,
/// untracked, a throw, a result that does not encode) leaves C a zeroed aggregate.
///
/// # Safety
/// `ctx` is a `Slot` with `agg` (never freed while its code is reachable) and `slots` has
/// n + 1 + m entries as above, the addresses valid for the sizes of the slot's signature.
pub(super) unsafe extern "C" fn dispatch_agg(ctx: usize, slots: *mut u64) {
    // SAFETY: the operations below need only this function's contract (# Safety): `ctx` is a `Slot`
    // with `agg` (never freed while its code is reachable) and `slots` has n + 1 + m entries as
    // above, the addresses valid for the sizes of the slot's signature.
    unsafe {
        let slot = &*(ctx as *const Slot);
        let Some(agg) = slot.agg.as_deref() else {
            return;
        };
        let n = slot.sig.params.len();
        let ret = agg.ret.map(|(_, size)| (*slots.add(n) as *mut u8, size));
        match ret {
            Some((dst, size)) => ptr::write_bytes(dst, 0, size),
            // A scalar result: in slots[n] as for `dispatch`.
            None => *slots.add(n) = DEFAULT,
        }
        let svc = slot.service();
        if on_owner_thread(svc) {
            // fiber mode: park, as in `dispatch` (the JS stack runs this dispatcher again).
            if crate::fiber::park(dispatch_agg, ctx, slots) {
                return;
            }
            let Some(call) = OwnerCall::start(slot, svc, "a zeroed result") else {
                return;
            };
            // Before any JS of this call runs; the wrapper decodes them first thing (a nested
            // call of the same callback overwrites them only after that).
            agg.copy_params(slots, n, agg.staging);
            let args = std::slice::from_raw_parts(slots, n);
            let v = run_js(svc.env, slot, &call, args);
            match ret {
                Some((dst, size)) if v == AGG_OK => {
                    // The wrapper's last act was to write the result here: no JS ran since.
                    let off = agg.ret.map_or(0, |r| r.0);
                    ptr::copy_nonoverlapping(agg.staging.add(off), dst, size);
                }
                Some(_) => {}
                None => *slots.add(n) = v,
            }
            call.end();
            return;
        }
        let Some(live) = foreign_live(slot) else {
            return;
        };
        // Foreign thread: the aggregate bytes are copied here (their source may be this caller's
        // frame), strings too when nobody waits.
        let (values, mut strings) = copy_args(slot, std::slice::from_raw_parts(slots, n));
        let mut bytes = vec![0u8; agg.staging_len];
        agg.copy_params(slots, n, bytes.as_mut_ptr());
        if live.queue {
            for (off, _, members) in &agg.params {
                for m in members {
                    let at = bytes.as_mut_ptr().add(off + m).cast::<u64>();
                    let p = at.read_unaligned();
                    if p != 0 {
                        let c = CStr::from_ptr(p as *const std::ffi::c_char).to_owned();
                        at.write_unaligned(c.as_ptr() as u64);
                        strings.push(c);
                    }
                }
            }
        }
        let call = |live, reply| Item::CallAgg {
            slot,
            live,
            args: values,
            bytes,
            _strings: strings,
            reply,
        };
        let Some((result, req)) = post_call(svc, live, call) else {
            return;
        };
        match ret {
            Some((dst, size)) if result == AGG_OK => {
                // Written by the JS thread before it set Done (under the state lock we waited on).
                let b = req.bytes.lock().unwrap();
                if b.len() == size {
                    ptr::copy_nonoverlapping(b.as_ptr(), dst, size);
                }
            }
            Some(_) => {}
            None => *slots.add(n) = result,
        }
    }
}

/// The JS thread's side of a queued aggregate call (`call_js`): its parameters into the
/// staging block, the JS call, and for a waiting caller the result's bytes.
///
/// # Safety
/// As [`call_js`], with an item of `slot`'s; `bytes` is a staging image of its signature.
pub(super) unsafe fn call_js_agg(
    env: sys::napi_env,
    svc: &Service,
    slot: &'static Slot,
    live: Arc<Live>,
    args: Vec<u64>,
    bytes: Vec<u8>,
    reply: Option<Arc<Request>>,
) {
    // SAFETY: the operations below need only this function's contract (# Safety): as [`call_js`],
    // with an item of `slot`'s; `bytes` is a staging image of its signature.
    unsafe {
        let Some(agg) = slot.agg.as_deref() else {
            return;
        };
        run_queued(env, svc, slot, &live, reply, |reply| {
            ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                agg.staging,
                agg.staging_len.min(bytes.len()),
            );
            let v = run_js(env, slot, &live, &args);
            if let (AGG_OK, Some((off, size)), Some(r)) = (v, agg.ret, reply) {
                let src = std::slice::from_raw_parts(agg.staging.add(off), size);
                *r.bytes.lock().unwrap() = src.to_vec();
            }
            v
        });
    }
}
