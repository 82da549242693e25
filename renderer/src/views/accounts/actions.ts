/** The actions on an account and on a card, each with its own dialog. */
export type AccountAction = 'deposit' | 'transfer' | 'charge' | 'close';
export type CardAction = 'activate' | 'deactivate' | 'reactivate' | 'lost' | 'stolen' | 'reissue' | 'close';
